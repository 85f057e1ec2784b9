// Map of the communes and EPCI with published commitments. The map and its settings come from map.js
// (`#map-config`); points come from the GeoJSON endpoint named there (`dataUrl`). The list on the page
// is the accessible alternative to this map.
import { createMap, mapConfig } from "./map.js";

function popupContent(properties) {
  // Built with DOM nodes and textContent: names typed by the public never become HTML.
  const box = document.createElement("div");
  const title = document.createElement("strong");
  title.textContent = properties.name;
  box.append(title);
  const count = document.createElement("p");
  count.textContent = `${properties.count} engagement${properties.count > 1 ? "s" : ""}`;
  box.append(count);
  const list = document.createElement("ul");
  for (const signatory of properties.signatories.slice(0, 10)) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = signatory.url;
    link.textContent = signatory.role ? `${signatory.name} (${signatory.role})` : signatory.name;
    item.append(link);
    if (signatory.progress !== null && signatory.progress !== undefined) {
      item.append(` — ${signatory.progress} % réalisé`);
    }
    list.append(item);
  }
  box.append(list);
  return box;
}

// Marker colours by progress (the least advanced team of the place), as in the legend above the map.
const PROGRESS_COLOURS = { engage: "#8a8f98", debut: "#c9852b", avance: "#2f6f8f", realise: "#2f6f5e" };

async function initMap(element) {
  const L = window.L;
  if (!L) return;
  const map = createMap(element, { scrollWheelZoom: false });
  let data;
  try {
    const response = await fetch(mapConfig().dataUrl, { headers: { Accept: "application/geo+json" } });
    if (!response.ok) throw new Error(response.statusText);
    data = await response.json();
  } catch {
    const message = document.createElement("p");
    message.className = "message message-error";
    message.textContent = "La carte n'a pas pu être chargée : la liste ci-dessous reste disponible.";
    element.after(message);
    return;
  }
  const layer = L.geoJSON(data, {
    pointToLayer: (feature, latlng) =>
      L.circleMarker(latlng, {
        // At least 24 px across with its stroke (WCAG 2.2 target size), larger where more teams committed.
        radius: Math.min(9 + 2 * feature.properties.count, 18),
        color: "#22523f",
        weight: 2,
        fillColor: PROGRESS_COLOURS[feature.properties.progressClass] || PROGRESS_COLOURS.engage,
        fillOpacity: 0.75,
      }),
    onEachFeature: (feature, marker) => {
      marker.bindPopup(() => popupContent(feature.properties));
      marker.bindTooltip(feature.properties.name);
    },
  }).addTo(map);
  if (data.features.length) {
    map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 11 });
  }
  element.dataset.loaded = String(data.features.length);
}

const element = document.querySelector(".proposals-map");
if (element) {
  initMap(element);
}
