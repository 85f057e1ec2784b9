"""The table of what the benchmark measures: edit it here, both phases (in-process, under load) follow.

Paths may hold placeholders that the in-process phase fills from the seeded database:
`{organisation}` (slug of a published member organisation, the richest kind of detail page),
`{other_organisation}` (a synthetic one), `{search}` (the search term), `{last_page}` (the last
page of that endpoint's own list), `{etag}` (the ETag the server sent for the same path).

kind:
  trivial  the stack's ceiling (`/_bench/trivial/`, only routed when BENCH_TRIVIAL_VIEW=true)
  list     a directory list: budget "throughput >= 0.5 of the trivial view" and fixed query count
  detail   a detail page: fixed query count
  data     map data: fixed query count, GeoJSON size and 304 budgets
  page     any other public page
  export   a streamed download: requested once in each phase (its queries grow with the rows, by
           chunks of 2,000: not a "fixed count" endpoint), not loaded
`variants` are other paths of the same view whose SQL query count must be the same (a count that
grows with the number of rows shown is an N+1). `page_weight` marks the public pages whose
transferred weight (HTML + CSS + JS + images, gzipped) is measured. `load` False: counted and
sized in-process only, not driven under load.
"""

from dataclasses import dataclass, field

# A real organisation's word (two matches among 20,000): what a citizen typing a name does.
SEARCH_TERM = "bouquinerie"
# A word of every synthetic row ("… (fictive n°N)"): the search whose cost grows with the results.
WORST_SEARCH_TERM = "fictive"
# A rare word of the synthetic vocabulary (fixtures/directory/synthetic_vocabulary.json), ~0.7 % of the rows.
RARE_SEARCH_TERM = "ludotheque"
SEARCH_RATIO_BUDGET = 3
DEPARTMENT = "59"
OTHER_DEPARTMENT = "80"


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    kind: str = "page"
    headers: dict = field(default_factory=dict)
    variants: tuple = ()
    page_weight: bool = False
    load: bool = True
    expect: int = 200


ENDPOINTS = [
    Endpoint("trivial view (ceiling)", "/_bench/trivial/", kind="trivial"),
    Endpoint("home", "/", page_weight=True),
    Endpoint(
        "directory list",
        "/annuaire/",
        kind="list",
        variants=("/annuaire/?page={last_page}",),
        page_weight=True,
    ),
    Endpoint(
        f"directory, departement={DEPARTMENT}",
        f"/annuaire/?departement={DEPARTMENT}",
        kind="list",
        variants=(
            f"/annuaire/?departement={OTHER_DEPARTMENT}",
            f"/annuaire/?departement={DEPARTMENT}&page={{last_page}}",
        ),
    ),
    Endpoint(
        "directory, search",
        "/annuaire/?q={search}",
        kind="list",
        variants=("/annuaire/?q=lille", "/annuaire/?q=lille&page={last_page}"),
    ),
    Endpoint(
        "directory, search for a word in every row, page 2",
        f"/annuaire/?q={WORST_SEARCH_TERM}&page=2",
        kind="list",
        variants=(f"/annuaire/?q={WORST_SEARCH_TERM}&page={{last_page}}",),
    ),
    Endpoint(
        "organisation page",
        "/annuaire/{organisation}/",
        kind="detail",
        variants=("/annuaire/{other_organisation}/",),
        page_weight=True,
    ),
    Endpoint(
        "GeoJSON, full (200)",
        "/api/organisations.geojson",
        kind="data",
        # A plain choice (no validation query): the same count as the full collection.
        variants=("/api/organisations.geojson?kind=association",),
    ),
    Endpoint(
        "GeoJSON, search",
        "/api/organisations.geojson?q={search}",
        kind="data",
        # On PostgreSQL a search costs one probe query more than no search (directory/search.py).
        variants=("/api/organisations.geojson?q=lille", f"/api/organisations.geojson?q={WORST_SEARCH_TERM}"),
        load=False,
    ),
    Endpoint(
        "GeoJSON, If-None-Match (304)",
        "/api/organisations.geojson",
        kind="data",
        headers={"If-None-Match": "{etag}"},
        expect=304,
    ),
    Endpoint("map page", "/carte/", page_weight=True),
    Endpoint("territories", "/territoires/", page_weight=True),
    Endpoint("municipales 2026", "/municipales-2026/", page_weight=True),
    Endpoint("carnets", "/carnets/", page_weight=True),
    Endpoint("CSV export (all)", "/annuaire/export.csv", kind="export", load=False),
]
