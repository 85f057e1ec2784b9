// The small map of an organisation's page. Works (a marker on a grey background) even without tiles.
import { createMap, labelledIcon, mapConfig, markerLabel } from "./map.js";

const L = window.L;
const element = document.getElementById("organisation-map");
if (L && element) {
  const config = mapConfig();
  const map = createMap(element, { scrollWheelZoom: false });
  L.marker(config.center, {
    title: config.name,
    icon: labelledIcon(
      { className: `org-marker kind--${config.kind}`, iconSize: [24, 24], iconAnchor: [12, 12] },
      markerLabel(config.name, config.kindLabel),
    ),
  }).addTo(map);
}
