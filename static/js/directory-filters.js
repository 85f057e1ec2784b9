// Directory list: submit the filter form without its empty fields, so shared URLs stay short
// (`?sector=alimentation` rather than `?q=&sector=alimentation&departement=&…`).
// Without JavaScript the plain GET form works the same, only with longer URLs.

export function cleanQuery(form) {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    if (typeof value === "string" && value.trim() !== "") params.append(name, value.trim());
  }
  return params;
}

const form = document.querySelector("[data-filter-form]");
if (form && !document.querySelector("[data-map]")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = cleanQuery(form).toString();
    window.location.assign(form.action + (query ? `?${query}` : ""));
  });
}
