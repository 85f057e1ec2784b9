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
`rotate` names a set of many distinct paths (ROTATIONS below) that the load client walks through, one
path per request: the page cache never sees a path twice, so the endpoint is measured on cache misses.
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

# Rotating path sets (built by bench/inprocess.py from the seeded database, written to bench/out/rotations/):
#   list           every page of the list for every department (or none) x sector (or none) x sort order,
#                  shuffled, so page and filters change on every request;
#   organisations  every published organisation's page, shuffled.
# Capped at this many paths; more than any endpoint's requests in a run (a few thousand), so that no path is
# asked twice while its cached page lives (10 minutes). Should a run ask for more, the client appends
# `_pass=N` to every path of the N-th pass, an ignored parameter that still changes the cache key.
ROTATIONS = ("list", "organisations")
ROTATION_LIMIT = 60_000
ROTATION_SORTS = ("", "nom", "commune")

# Issue 16's budgets, measured in the same run (bench/scales.py turns them into PASS/FAIL rows).
LIST_MISS_RATIO_BUDGET = 0.15
ORGANISATION_RATIO_BUDGET = 0.4
HOME_RATIO_BUDGET = 0.5
MAP_FLOOR_BUDGET = 1.5  # first clusters of /carte/ at the smaller scale, x its floor
MAP_SCALE_BUDGET = 1.5  # first clusters at the larger scale, x the smaller scale's
MAP_FIRST_VIEW_BUDGET = 500 * 1000  # bytes transferred for the first view at the larger scale
WORKER_RSS_BUDGET = 300 * 1024 * 1024  # VmHWM of each gunicorn worker


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
    rotate: str = ""


ENDPOINTS = [
    Endpoint("trivial view (ceiling)", "/_bench/trivial/", kind="trivial"),
    # Not page-cached: every request renders it, so this row is a cache miss.
    Endpoint("home", "/", page_weight=True),
    Endpoint(
        "directory list",
        "/annuaire/",
        kind="list",
        variants=("/annuaire/?page={last_page}",),
        page_weight=True,
    ),
    Endpoint("directory list, cache misses (page and filters vary)", "/annuaire/", kind="list", rotate="list"),
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
        "organisation pages, cache misses (organisations vary)",
        "/annuaire/{other_organisation}/",
        kind="detail",
        rotate="organisations",
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
