// Phone first, for the directory list and the map: below 768 px the filters fold behind their summary
// ("Filtres (2 actifs)") so the results (or the map) come first; after filtering, focus and scroll go to the
// results heading; the commune field suggests communes as one types (a native <datalist> filled from
// /api/communes.json). Without JavaScript the filters stay open and the commune field still takes a name.

const NARROW = window.matchMedia("(max-width: 767px)");

export function foldOnPhones(details) {
  if (details && NARROW.matches) details.open = false;
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

foldOnPhones(document.querySelector("[data-filters]"));
focusResults(document.querySelector("#results-title"));
suggestCommunes(document.querySelector("input[name=commune]"), document.querySelector("#commune-suggestions"));
