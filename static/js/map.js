// The one way a page gets a Leaflet map. Settings come from the page's `#map-config` element, written by
// `{{ map_config|json_script:"map-config" }}` (core/maps.py; no inline script under the CSP): tiles,
// their attribution, centre and zoom bounds, plus what each page adds (data URLs, a boundary…).
// Importing leaflet-fr.js first puts Leaflet's controls in French before any map exists.
// Leaflet itself comes from django-leaflet's static files (global `L`, loaded before the modules).
import "./leaflet-fr.js";

let cachedConfig;

export function mapConfig() {
  if (cachedConfig === undefined) {
    const node = document.getElementById("map-config");
    cachedConfig = node ? JSON.parse(node.textContent) : {};
  }
  return cachedConfig;
}

// A map on `element`, at the configured view, with the tiles when a tile server is set (missing tiles
// leave the paper background: what the page draws still reads on its own). `options` go to L.map.
export function createMap(element, options = {}) {
  const L = window.L;
  const config = mapConfig();
  const map = L.map(element, { minZoom: config.minZoom, maxZoom: config.maxZoom, ...options });
  map.setView(config.center, config.zoom);
  if (config.tilesUrl) {
    L.tileLayer(config.tilesUrl, { attribution: config.tilesAttribution, maxZoom: config.maxZoom }).addTo(map);
  }
  return map;
}

// What a screen reader announces for a marker: the actor's name and kind (and "fermée" when closed). Leaflet
// only sets `title`, which some checkers (HTML_CodeSniffer, WCAG 4.1.2) do not take as the button's name.
export function markerLabel(name, kind = "", closed = false) {
  return [name, kind, closed ? "structure fermée" : ""].filter(Boolean).join(", ");
}

// What a screen reader announces for a cluster of markers.
// "1 structure", "20 072 structures": French grouping of thousands, as the list's count shows it.
export function clusterLabel(count) {
  return `${count.toLocaleString("fr-FR")} structure${count > 1 ? "s" : ""}`;
}

let LabelledDivIcon;

// A Leaflet divIcon whose element carries `aria-label`: markers are `div[role=button]`, so this names them.
// Used for single markers and clusters alike; `options` are L.divIcon's.
export function labelledIcon(options, label) {
  const L = window.L;
  if (LabelledDivIcon === undefined) {
    LabelledDivIcon = L.DivIcon.extend({
      createIcon(oldIcon) {
        const element = L.DivIcon.prototype.createIcon.call(this, oldIcon);
        element.setAttribute("aria-label", this.options.label);
        return element;
      },
    });
  }
  return new LabelledDivIcon({ ...options, label });
}
