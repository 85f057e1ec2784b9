// The actor map (/carte/ and /carte/embed/): clustered markers coloured by kind (Supercluster), the list's filters
// kept in the URL both ways, an optional layer of EPCI boundaries, and "around me".
// Data comes from the zoom-aware endpoint named in the json_script config (clustersUrl); no inline script (CSP).
import { cleanQuery } from "./directory-filters.js";
import { clusterLabel, createMap, labelledIcon, mapConfig, markerLabel } from "./map.js";

const L = window.L;
const Supercluster = window.Supercluster;
const config = mapConfig();
const mapElement = document.querySelector("[data-map]");
const statusElement = document.getElementById("map-status");
const form = document.querySelector("[data-filter-form]");

const map = createMap(mapElement);

// Clustering by Supercluster (static/vendor/supercluster-8.0.1, global `Supercluster`): the points are
// indexed once (a few ms for 20,000), then only the clusters and points inside the view become Leaflet
// markers, redrawn after each move or zoom. Leaflet.markercluster made a marker of every point before
// drawing the first cluster (5x the time of fetching and parsing the data: bench/RESULTS.md).
const layer = L.layerGroup().addTo(map);
let index = null;
const CLUSTER_RADIUS = 60;
// Beyond this zoom every point shows on its own (a view of ~10 km holds a few hundred at most). Each
// clustered zoom level costs one pass over the points when they are indexed: stopping at 14 rather than
// at the map's maximum (18) halves the time to the first clusters.
const CLUSTER_MAX_ZOOM = 14;

// One icon per marker: its element carries the actor's name and kind as aria-label.
function iconFor(properties) {
  const closed = Boolean(properties.c);
  return labelledIcon(
    {
      className: `org-marker kind--${properties.k}${closed ? " org-marker--closed" : ""}`,
      iconSize: [24, 24],
      iconAnchor: [12, 12],
      popupAnchor: [0, -10],
    },
    markerLabel(properties.n, config.kinds[properties.k] || properties.k, closed),
  );
}

function detailUrl(slug) {
  return config.detailUrl.replace("__slug__", encodeURIComponent(slug));
}

// Built with DOM nodes, never innerHTML: names come from the database.
function popupFor(feature) {
  const properties = feature.properties;
  const box = document.createElement("div");
  box.className = "org-popup";
  const title = document.createElement("p");
  title.className = "org-popup__title";
  const link = document.createElement("a");
  link.href = detailUrl(feature.id);
  link.textContent = properties.n;
  if (config.embed) {
    link.target = "_blank";
    link.rel = "noopener";
  }
  title.append(link);
  const kind = document.createElement("p");
  kind.textContent = config.kinds[properties.k] || properties.k;
  box.append(title, kind);
  if (properties.c) {
    const closed = document.createElement("p");
    closed.textContent = "Structure fermée";
    box.append(closed);
  }
  if (properties.m) {
    const member = document.createElement("p");
    member.textContent = "Adhérent de l'Apes";
    box.append(member);
  }
  return box;
}

function setStatus(text) {
  if (statusElement) statusElement.textContent = text;
}

function currentQuery() {
  if (form) return cleanQuery(form);
  return new URLSearchParams(window.location.search);
}

function updateLinks(query) {
  const suffix = query ? `?${query}` : "";
  for (const [selector, base] of [
    ["[data-list-link]", config.listUrl],
    ["[data-geojson-link]", config.dataUrl],
  ]) {
    const element = document.querySelector(selector);
    if (element) element.href = base + suffix;
  }
  for (const selector of ["[data-csv-link]", "[data-embed-link]"]) {
    const element = document.querySelector(selector);
    if (element) element.href = element.href.split("?")[0] + suffix;
  }
}

// The first request goes to the zoom-aware endpoint (directory/views/clusters.py) with the view. For a set the
// browser can cluster ("index": true) it holds every point, indexed by Supercluster; for a larger one (the
// national scale) it holds the server's clusters of that view, and every move or zoom asks for the new view.
let controller = null;
let serverMode = false;
let filterQuery = "";

function viewParams() {
  const bounds = map.getBounds().pad(0.5);
  const bbox = [
    Math.max(bounds.getWest(), -180),
    Math.max(bounds.getSouth(), -85),
    Math.min(bounds.getEast(), 180),
    Math.min(bounds.getNorth(), 85),
  ].map((value) => value.toFixed(4));
  return `zoom=${Math.round(map.getZoom())}&bbox=${bbox.join(",")}`;
}

async function fetchView() {
  if (controller) controller.abort();
  controller = new AbortController();
  const url = `${config.clustersUrl}?${viewParams()}${filterQuery ? `&${filterQuery}` : ""}`;
  const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
  if (!response.ok) {
    let detail = "";
    try {
      detail = (await response.json()).erreurs.join(" ");
    } catch {
      detail = "";
    }
    throw new Error(detail);
  }
  return response.json();
}

// The markers on the map, by key. A redraw keeps the markers still in view and only adds or removes the
// others: Leaflet pans the map to a marker that receives the keyboard focus, and recreating every marker
// after that pan sent the focus back to the page, so a keyboard user could never Tab out of the map.
let shown = new Map();

function show(entries) {
  const next = new Map();
  for (const [key, make] of entries) next.set(key, shown.get(key) || make());
  for (const [key, marker] of shown) if (!next.has(key)) layer.removeLayer(marker);
  for (const [key, marker] of next) if (!shown.has(key)) layer.addLayer(marker);
  shown = next;
}

function pointEntry(feature) {
  return [`p:${feature.id}:${feature.properties.n}:${feature.geometry.coordinates}`, () => pointMarker(feature)];
}

function drawServerView(data) {
  const zoom = Math.round(map.getZoom());
  show([
    ...data.clusters.map((cluster) => [`s:${zoom}:${cluster.join(",")}`, () => serverClusterMarker(cluster)]),
    ...data.features.map(pointEntry),
  ]);
}

async function load() {
  const params = currentQuery();
  params.delete("page");
  params.delete("sort");
  filterQuery = params.toString();
  markPosition(params);
  setStatus("Chargement des structures…");
  mapElement.setAttribute("aria-busy", "true");
  let data;
  try {
    data = await fetchView();
  } catch (error) {
    if (error.name === "AbortError") return;
    setStatus(
      error.message
        ? `Ces filtres n'ont pas pu être appliqués. ${error.message}`
        : "Les structures n'ont pas pu être chargées. Réessayez plus tard.",
    );
    mapElement.removeAttribute("aria-busy");
    return;
  }
  serverMode = !data.index;
  if (serverMode) {
    index = null;
    drawServerView(data);
  } else {
    index = new Supercluster({ radius: CLUSTER_RADIUS, maxZoom: CLUSTER_MAX_ZOOM });
    index.load(data.features);
    draw();
  }
  const count = data.total;
  mapElement.dataset.count = String(count);
  mapElement.removeAttribute("aria-busy");
  setStatus(
    count === 0
      ? "Aucune structure ne correspond à ces filtres."
      : `${clusterLabel(count)} sur la carte.`,
  );
  updateLinks(filterQuery);
  if (count > 0 && filterQuery) {
    const [west, south, east, north] = data.bounds;
    map.fitBounds(L.latLngBounds([south, west], [north, east]), { maxZoom: 13, padding: [20, 20] });
  }
}

// A move or zoom in server mode: the clusters of the new view (an answer for an older view is dropped).
async function refreshServerView() {
  try {
    drawServerView(await fetchView());
  } catch (error) {
    if (error.name !== "AbortError") setStatus("Les structures de cette zone n'ont pas pu être chargées.");
  }
}

function pointMarker(feature) {
  const [lng, lat] = feature.geometry.coordinates;
  const properties = feature.properties;
  const marker = L.marker([lat, lng], { icon: iconFor(properties), title: properties.n });
  marker.bindPopup(() => popupFor(feature));
  return marker;
}

// Same look as Leaflet.markercluster's clusters (its stylesheet stays): small, medium, large.
function clusterIcon(count) {
  const size = count < 10 ? "small" : count < 100 ? "medium" : "large";
  const box = document.createElement("div");
  const number = document.createElement("span");
  number.textContent = String(count);
  box.append(number);
  const label = clusterLabel(count);
  return [labelledIcon({ html: box, className: `marker-cluster marker-cluster-${size}`, iconSize: [40, 40] }, label), label];
}

function clusterMarker(cluster) {
  const [lng, lat] = cluster.geometry.coordinates;
  const [icon, label] = clusterIcon(cluster.properties.point_count);
  const marker = L.marker([lat, lng], { icon, title: label });
  marker.on("click", () => {
    const zoom = Math.min(index.getClusterExpansionZoom(cluster.properties.cluster_id), config.maxZoom);
    map.setView([lat, lng], zoom);
  });
  return marker;
}

// A server cluster is [lng, lat, count, west, south, east, north]: a click zooms on what it holds.
function serverClusterMarker(cluster) {
  const [lng, lat, count, west, south, east, north] = cluster;
  const [icon, label] = clusterIcon(count);
  const marker = L.marker([lat, lng], { icon, title: label });
  marker.on("click", () => {
    const bounds = L.latLngBounds([south, west], [north, east]);
    const zoom = Math.min(Math.max(map.getBoundsZoom(bounds), map.getZoom() + 1), config.maxZoom);
    map.setView(bounds.getCenter(), zoom);
  });
  return marker;
}

// Markers for what is in view only (with a margin of half a screen, so a small pan shows no gap).
function draw() {
  if (serverMode) {
    refreshServerView();
    return;
  }
  if (!index) return;
  const bounds = map.getBounds().pad(0.5);
  const bbox = [
    Math.max(bounds.getWest(), -180),
    Math.max(bounds.getSouth(), -85),
    Math.min(bounds.getEast(), 180),
    Math.min(bounds.getNorth(), 85),
  ];
  const zoom = Math.round(map.getZoom());
  show(
    index
      .getClusters(bbox, zoom)
      .map((item) =>
        item.properties.cluster
          ? [`c:${zoom}:${item.properties.point_count}:${item.geometry.coordinates}`, () => clusterMarker(item)]
          : pointEntry(item),
      ),
  );
}
map.on("moveend", draw);

// Filters -> URL (replaceState, no history spam) -> data.
function applyFilters() {
  const query = cleanQuery(form).toString();
  window.history.replaceState(null, "", window.location.pathname + (query ? `?${query}` : ""));
  load();
}

if (form) {
  let typing = null;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    applyFilters();
  });
  form.addEventListener("change", (event) => {
    if (event.target.type !== "search") applyFilters();
  });
  form.addEventListener("input", (event) => {
    if (event.target.type !== "search") return;
    clearTimeout(typing);
    typing = setTimeout(applyFilters, 400);
  });
  const reset = form.querySelector(".filter-reset");
  if (reset) {
    reset.addEventListener("click", (event) => {
      event.preventDefault();
      form.reset();
      for (const element of form.elements) {
        if (element.type === "checkbox") element.checked = false;
        else if (element.tagName === "SELECT") element.selectedIndex = 0;
        // Hidden too: "Autour de ma position" fills lat/lon by script, and form.reset() keeps script-set values.
        else if (["search", "text", "hidden"].includes(element.type)) element.value = "";
      }
      applyFilters();
    });
  }
}

// Tools need JavaScript, so they are shown only now.
const tools = document.querySelector("[data-map-tools]");
if (tools) tools.hidden = false;

let epciLayer = null;
const epciToggle = document.querySelector("[data-epci-toggle]");
if (epciToggle) {
  epciToggle.addEventListener("change", async () => {
    if (!epciToggle.checked) {
      if (epciLayer) map.removeLayer(epciLayer);
      return;
    }
    if (!epciLayer) {
      try {
        const response = await fetch(config.epciUrl, { headers: { Accept: "application/geo+json" } });
        const data = await response.json();
        epciLayer = L.geoJSON(data, {
          interactive: true,
          style: (feature) =>
            feature.properties.partnerCurrent
              ? { color: "#b5462f", weight: 2, fillColor: "#b5462f", fillOpacity: 0.12 }
              : { color: "#4f5d58", weight: 1, fillOpacity: 0 },
          onEachFeature: (feature, layer) =>
            layer.bindTooltip(
              feature.properties.partnerCurrent ? `${feature.properties.name} (partenaire de l'Apes)` : feature.properties.name,
            ),
        });
      } catch {
        setStatus("Les contours des intercommunalités n'ont pas pu être chargés.");
        epciToggle.checked = false;
        return;
      }
    }
    epciLayer.addTo(map);
    epciLayer.bringToBack();
  });
}

// The position the selection is around ("Autour de ma position" of the filter form, the one geolocation
// control of the page), marked on the map: what the removed "Autour de moi" button showed, now with the
// actors around it and in the URL.
let here = null;
function markPosition(params) {
  if (here) map.removeLayer(here);
  here = null;
  const latitude = Number.parseFloat(params.get("lat"));
  const longitude = Number.parseFloat(params.get("lon"));
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return;
  here = L.circleMarker([latitude, longitude], { radius: 8, color: "#1d4ed8", weight: 3, fillOpacity: 0.4 })
    .bindTooltip("Vous êtes ici")
    .addTo(map);
}

load();
