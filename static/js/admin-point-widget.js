// Admin map for placing an organisation: binds a Leaflet map to the latitude/longitude inputs.
// Loaded as an ES module after leaflet.js (window.L), no inline script (CSP script-src 'self').
import "./leaflet-fr.js";

const L = window.L;

function readPoint(latInput, lngInput) {
  const lat = Number.parseFloat(latInput.value.replace(",", "."));
  const lng = Number.parseFloat(lngInput.value.replace(",", "."));
  if (Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
    return L.latLng(lat, lng);
  }
  return null;
}

// Select2 (the admin's autocomplete) fires jQuery events that native listeners never see.
function onSelectChange(select, handler) {
  const jQuery = window.django && window.django.jQuery;
  if (jQuery) {
    jQuery(select).on("change", handler);
  } else {
    select.addEventListener("change", handler);
  }
}

function setUpPointWidget(container) {
  const byId = (name) => document.getElementById(container.dataset[name] || "");
  const latInput = byId("latitudeInput");
  const lngInput = byId("longitudeInput");
  const communeInput = byId("communeInput");
  const approximateInput = byId("approximateInput");
  if (!latInput || !lngInput || !L) {
    return;
  }

  L.Icon.Default.imagePath = container.dataset.imagePath;
  const [centerLat, centerLng] = container.dataset.defaultCenter.split(",").map(Number);
  const map = L.map(container.querySelector(".point-widget__map"), { scrollWheelZoom: false });
  map.setView([centerLat, centerLng], Number(container.dataset.defaultZoom) || 8);
  if (container.dataset.tilesUrl) {
    L.tileLayer(container.dataset.tilesUrl, {
      attribution: container.dataset.tilesAttribution,
      maxZoom: 19,
    }).addTo(map);
  }

  let marker = null;

  function writeInputs(latlng) {
    latInput.value = latlng.lat.toFixed(6);
    lngInput.value = latlng.lng.toFixed(6);
    if (approximateInput) {
      approximateInput.checked = false;
    }
    for (const input of [latInput, lngInput]) {
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function placeMarker(latlng) {
    if (marker) {
      marker.setLatLng(latlng);
      return;
    }
    marker = L.marker(latlng, { draggable: true, title: "Position de l'organisation" }).addTo(map);
    marker.on("dragend", () => writeInputs(marker.getLatLng()));
  }

  async function centerOnCommune() {
    const communeId = communeInput && communeInput.value;
    if (!communeId || !container.dataset.centroidUrl) {
      return;
    }
    const url = `${container.dataset.centroidUrl}?commune=${encodeURIComponent(communeId)}`;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) {
        return;
      }
      const centroid = await response.json();
      map.setView([centroid.latitude, centroid.longitude], 13);
    } catch {
      // The map simply stays where it is; the inputs still work.
    }
  }

  map.on("click", (event) => {
    placeMarker(event.latlng);
    writeInputs(event.latlng);
  });

  for (const input of [latInput, lngInput]) {
    input.addEventListener("input", () => {
      const point = readPoint(latInput, lngInput);
      if (point) {
        placeMarker(point);
        map.panTo(point);
      }
    });
  }

  if (communeInput) {
    onSelectChange(communeInput, () => {
      if (!readPoint(latInput, lngInput)) {
        centerOnCommune();
      }
    });
  }
  container.querySelector(".point-widget__center")?.addEventListener("click", centerOnCommune);

  const initial = readPoint(latInput, lngInput);
  if (initial) {
    placeMarker(initial);
    map.setView(initial, 15);
  } else {
    centerOnCommune();
  }
  container.dataset.ready = "true";
}

for (const container of document.querySelectorAll("[data-point-widget]")) {
  setUpPointWidget(container);
}
