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
