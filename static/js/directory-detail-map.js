// The small map of an organisation's page. Works (a marker on a grey background) even without tiles.
import "./leaflet-fr.js";
const L = window.L;
const element = document.getElementById("organisation-map");
const configElement = document.getElementById("organisation-map-config");
if (L && element && configElement) {
  const config = JSON.parse(configElement.textContent);
  const map = L.map(element, { scrollWheelZoom: false }).setView([config.lat, config.lng], config.zoom);
  L.tileLayer(config.tilesUrl, { attribution: config.tilesAttribution, maxZoom: 18 }).addTo(map);
  L.marker([config.lat, config.lng], {
    title: config.name,
    icon: L.divIcon({ className: `org-marker kind--${config.kind}`, iconSize: [18, 18], iconAnchor: [9, 9] }),
  }).addTo(map);
}
