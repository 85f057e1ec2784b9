// Maps of the territories pages: EPCI boundaries (partners hatched) and dynamics coloured by theme.
//
// The map and its settings come from map.js (`#map-config`, no inline script under the CSP).
// The pages stay complete without this script: the legend and the lists carry the same content.
import { createMap, mapConfig } from "./map.js";

const PARTNER_PATTERN_ID = "territories-partner-hatch";
const SVG_NS = "http://www.w3.org/2000/svg";

function escapeHtml(text) {
  const span = document.createElement("span");
  span.textContent = text == null ? "" : String(text);
  return span.innerHTML;
}

// A hatch pattern in Leaflet's own SVG, so partner EPCI read as "hatched", not only as "greener".
function addPartnerPattern(map) {
  const renderer = map.getRenderer(L.polygon([[0, 0]]));
  const svg = renderer._container;
  if (!svg || svg.querySelector(`#${PARTNER_PATTERN_ID}`)) {
    return;
  }
  const defs = document.createElementNS(SVG_NS, "defs");
  const pattern = document.createElementNS(SVG_NS, "pattern");
  pattern.setAttribute("id", PARTNER_PATTERN_ID);
  pattern.setAttribute("width", "8");
  pattern.setAttribute("height", "8");
  pattern.setAttribute("patternUnits", "userSpaceOnUse");
  pattern.setAttribute("patternTransform", "rotate(45)");
  const background = document.createElementNS(SVG_NS, "rect");
  background.setAttribute("width", "8");
  background.setAttribute("height", "8");
  background.setAttribute("fill", "#e3efe9");
  const line = document.createElementNS(SVG_NS, "line");
  line.setAttribute("x1", "0");
  line.setAttribute("y1", "0");
  line.setAttribute("x2", "0");
  line.setAttribute("y2", "8");
  line.setAttribute("stroke", "#2f6f5e");
  line.setAttribute("stroke-width", "3");
  pattern.append(background, line);
  defs.append(pattern);
  svg.prepend(defs);
}

function epciStyle(feature) {
  if (feature.properties.partner) {
    return {
      color: "#22523f",
      weight: 2,
      fillColor: `url(#${PARTNER_PATTERN_ID})`,
      fillOpacity: 0.75,
      className: "epci-area epci-partner",
    };
  }
  return { color: "#7a8480", weight: 1, fillColor: "#ffffff", fillOpacity: 0.35, className: "epci-area" };
}

function epciPopup(properties) {
  const partner = properties.partner
    ? `<br>Partenaire de l'Apes${properties.partnerSince ? ` depuis ${escapeHtml(properties.partnerSince)}` : ""}`
    : "";
  return `<a href="${escapeHtml(properties.url)}">${escapeHtml(properties.name)}</a>${partner}`;
}

function dynamicPopup(properties) {
  return (
    `<a href="${escapeHtml(properties.url)}">${escapeHtml(properties.title)}</a>` +
    `<br>${escapeHtml(properties.themeName)}<br>${escapeHtml(properties.phase)}, ${escapeHtml(properties.period)}`
  );
}

// Several dynamics often share a place (an EPCI centre): spread them on a small circle so each stays clickable.
function spreadOverlapping(features) {
  const groups = new Map();
  for (const feature of features) {
    const key = feature.geometry.coordinates.join(",");
    if (!groups.has(key)) {
      groups.set(key, []);
    }
    groups.get(key).push(feature);
  }
  const placed = [];
  for (const group of groups.values()) {
    group.forEach((feature, index) => {
      const [lng, lat] = feature.geometry.coordinates;
      if (group.length === 1) {
        placed.push({ feature, latlng: [lat, lng] });
        return;
      }
      const angle = (2 * Math.PI * index) / group.length;
      const radius = 0.05 + 0.005 * group.length;
      placed.push({ feature, latlng: [lat + radius * Math.sin(angle), lng + radius * 1.5 * Math.cos(angle)] });
    });
  }
  return placed;
}

async function fetchJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/geo+json" } });
  if (!response.ok) {
    throw new Error(`${url}: ${response.status}`);
  }
  return response.json();
}

async function initMap(element) {
  const config = mapConfig();
  element.textContent = "";
  const map = createMap(element, { scrollWheelZoom: false, zoomSnap: 0.25 });
  addPartnerPattern(map);
  // Points stay above the areas whichever layer arrives first.
  map.createPane("dynamics").style.zIndex = "450";

  const layers = [];
  if (config.boundary) {
    const boundary = L.geoJSON(config.boundary, {
      style: { color: "#22523f", weight: 3, fillColor: "#2f6f5e", fillOpacity: 0.12, className: "epci-area" },
    }).addTo(map);
    map.fitBounds(boundary.getBounds(), { padding: [12, 12] });
  }
  if (config.epciUrl) {
    layers.push(
      fetchJson(config.epciUrl).then((data) => {
        const epcis = L.geoJSON(data, {
          style: epciStyle,
          onEachFeature: (feature, layer) => {
            layer.bindPopup(epciPopup(feature.properties));
            layer.bindTooltip(feature.properties.name, { sticky: true });
          },
        }).addTo(map);
        element.dataset.epciCount = String(data.features.length);
        if (!config.boundary && data.features.length) {
          map.fitBounds(epcis.getBounds());
        }
        return epcis;
      }),
    );
  }
  if (config.dynamicsUrl) {
    layers.push(
      fetchJson(config.dynamicsUrl).then((data) => {
        const group = L.featureGroup();
        for (const { feature, latlng } of spreadOverlapping(data.features)) {
          L.circleMarker(latlng, {
            radius: 11, // 24 px across with its stroke (WCAG 2.2 target size)
            color: "#1d2a26",
            weight: 2,
            fillColor: feature.properties.colour,
            fillOpacity: 0.95,
            pane: "dynamics",
            className: `dynamic-marker theme-${feature.properties.theme}`,
          })
            .bindPopup(dynamicPopup(feature.properties))
            .bindTooltip(feature.properties.title)
            .addTo(group);
        }
        group.addTo(map);
        element.dataset.dynamicCount = String(data.features.length);
        return group;
      }),
    );
  }
  const results = await Promise.allSettled(layers);
  const failed = results.filter((result) => result.status === "rejected");
  element.dataset.mapState = failed.length ? "partial" : "ready";
  if (failed.length) {
    const note = document.createElement("p");
    note.className = "map-error";
    note.setAttribute("role", "status");
    note.textContent = "Une partie de la carte n'a pas pu être chargée ; les listes de la page restent complètes.";
    element.after(note);
  }
}

for (const element of document.querySelectorAll("[data-territories-map]")) {
  if (typeof L === "undefined") {
    break;
  }
  initMap(element);
}
