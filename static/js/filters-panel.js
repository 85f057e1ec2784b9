// Phone first, for the directory list and the map: below 768 px the filters fold behind their summary
// ("Filtres (2 actifs)") so the results (or the map) come first; after filtering, focus and scroll go to the
// results heading; the commune field suggests communes as one types (a native <datalist> filled from
// /api/communes.json). Without JavaScript the filters open with a click on their summary and the commune
// field still takes a name.
//
// The list's filters come folded from the server (they sit above the results on a phone: unfolding them
// after the first paint would push the results down, a layout shift) and are unfolded here on wide screens,
// where they sit in a column beside the results. The map's come open: on a phone they sit under the map.

const NARROW = window.matchMedia("(max-width: 767px)");

export function fitToScreen(details) {
  if (details) details.open = !NARROW.matches;
}

export function focusResults(heading) {
  // Only when the page shows a filtered selection, not on a first visit.
  if (!heading || window.location.search.replace(/^\?/, "").split("&").every((p) => p === "" || p.startsWith("page="))) return;
  heading.focus({ preventScroll: true });
  heading.scrollIntoView({ block: "start" });
}

export function suggestCommunes(input, datalist) {
  if (!input || !datalist) return;
  const url = datalist.dataset.suggestionsUrl;
  let timer = null;
  let controller = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2) return;
    timer = setTimeout(async () => {
      controller?.abort();
      controller = new AbortController();
      try {
        const response = await fetch(`${url}?${new URLSearchParams({ q: text })}`, { signal: controller.signal });
        if (!response.ok) return;
        const { communes } = await response.json();
        datalist.replaceChildren(
          ...communes.map((commune) => {
            const option = document.createElement("option");
            option.value = commune.label;
            option.textContent = `${commune.departement}`;
            return option;
          }),
        );
      } catch (error) {
        if (error.name !== "AbortError") datalist.replaceChildren();
      }
    }, 150);
  });
}

export function offerMyPosition(form) {
  // "Autour de ma position": fills the hidden lat/lon fields from the browser, then submits (10 km by default).
  const radius = form?.querySelector("select[name=autour]");
  const latitude = form?.querySelector("input[name=lat]");
  const longitude = form?.querySelector("input[name=lon]");
  if (!radius || !latitude || !longitude || !("geolocation" in navigator)) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button button-secondary";
  button.textContent = "Autour de ma position";
  const status = document.createElement("p");
  status.setAttribute("role", "status");
  status.className = "position-status";
  radius.after(button, status);
  button.addEventListener("click", () => {
    status.textContent = "Recherche de votre position…";
    navigator.geolocation.getCurrentPosition(
      (position) => {
        latitude.value = position.coords.latitude.toFixed(5);
        longitude.value = position.coords.longitude.toFixed(5);
        if (!radius.value) radius.value = "10";
        const commune = form.querySelector("input[name=commune]");
        if (commune) commune.value = "";
        status.textContent = ""; // the map applies the filter in place: no stale "Recherche…" under the button
        form.requestSubmit();
      },
      () => {
        status.textContent = "Votre position n'est pas disponible : indiquez plutôt une commune.";
      },
      { timeout: 10000, maximumAge: 600000 },
    );
  });
}

fitToScreen(document.querySelector("[data-filters]"));
offerMyPosition(document.querySelector("[data-filters] [data-filter-form]"));
focusResults(document.querySelector("#results-title"));
suggestCommunes(document.querySelector("input[name=commune]"), document.querySelector("#commune-suggestions"));
