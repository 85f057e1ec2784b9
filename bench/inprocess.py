"""In-process phase of the benchmark: SQL queries per request, placeholders, EXPLAIN of the search.

Run by bench/run.py with the same environment as its gunicorn (same database, DEBUG off), apart
from the load: `python bench/inprocess.py OUT.json`. Each endpoint is requested twice with Django's
test client; the second request's queries are counted with CaptureQueriesContext (the first one
fills per-process caches: content types, the GeoJSON cache...). Writes a JSON report.
"""

import json
import math
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apes_portal.settings")

import django  # noqa: E402

django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from bench.endpoints import (  # noqa: E402
    ENDPOINTS,
    RARE_SEARCH_TERM,
    ROTATION_LIMIT,
    ROTATION_SORTS,
    SEARCH_TERM,
    WORST_SEARCH_TERM,
)
from bench.miss_timing import timed  # noqa: E402
from core.data import FAMILIES, data_version  # noqa: E402
from directory.views.public import PAGE_SIZE  # noqa: E402

_LITERAL = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")


def discover():
    """Values for the path placeholders, read from the seeded database."""
    from directory.models import Organisation

    published = Organisation.objects.published()
    rich = published.filter(is_member=True).order_by("pk").first() or published.order_by("pk").first()
    plain = published.order_by("-pk").first()
    search = SEARCH_TERM
    if not published.search(search).exists() and rich is not None:
        # The configured term matches nothing: take the longest word of a real name instead.
        search = max(rich.name.split(), key=len)
    return {
        "organisation": rich.slug if rich else "missing",
        "other_organisation": plain.slug if plain else "missing",
        "search": search,
        "counts": {
            "organisations": Organisation.objects.count(),
            "published": published.count(),
            "located": published.located().count(),
        },
    }


def rotation_paths():
    """{name: [path, ...]} for bench/endpoints.py's ROTATIONS: many distinct paths, shuffled (fixed seed).

    The list's: every page of every department (or none) x sector (or none) x sort order, its page count
    read from the FilterSet itself (the same selection as the view). The organisations': every published
    one's page.
    """
    from urllib.parse import urlencode

    from django.http import QueryDict

    from directory.filters import OrganisationFilterSet
    from directory.models import Organisation, Sector
    from territories.models import Department

    departments = ["", *Department.objects.order_by("code").values_list("code", flat=True)]
    sectors = ["", *Sector.objects.order_by("slug").values_list("slug", flat=True)]
    lists = []
    for department in departments:
        for sector in sectors:
            filters = {k: v for k, v in (("departement", department), ("sector", sector)) if v}
            count = OrganisationFilterSet(QueryDict(urlencode(filters))).qs.count()
            for sort in ROTATION_SORTS:
                query = {**filters, **({"sort": sort} if sort else {})}
                for page in range(1, math.ceil(count / PAGE_SIZE) + 1):
                    lists.append("/annuaire/?" + "&".join(f"{k}={v}" for k, v in {**query, "page": page}.items()))
    organisations = [f"/annuaire/{slug}/" for slug in Organisation.objects.published().values_list("slug", flat=True)]
    shuffle = random.Random(16).shuffle
    shuffle(lists)
    shuffle(organisations)
    return {"list": lists[:ROTATION_LIMIT], "organisations": organisations[:ROTATION_LIMIT]}


def write_rotations(folder):
    """Write each rotation to `folder`/<name>.txt (one path a line); return {name: number of paths}."""
    folder.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, paths in rotation_paths().items():
        (folder / f"{name}.txt").write_text("\n".join(paths) + "\n")
        sizes[name] = len(paths)
    return sizes


def sql_template(sql):
    return _LITERAL.sub("?", sql)


def body_of(response):
    """The whole body; a streamed one is consumed (its queries run while it streams)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def measure(client, path, headers):
    """(response, body, queries of a warm request, repeated query templates) for one GET.

    The first request is not counted: it fills per-process caches (content types, templates...).
    """
    body_of(client.get(path, headers=headers))
    # Each process re-reads the data versions once DATA_VERSION_MAX_AGE (0.5 s) has passed, whatever the page:
    # read them now, so that the counted request's queries are its own and not the luck of that clock.
    data_version(*FAMILIES)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, headers=headers)
        body = body_of(response)
    templates = {}
    for query in ctx.captured_queries:
        key = sql_template(query["sql"])
        templates[key] = templates.get(key, 0) + 1
    repeated = {sql[:200]: n for sql, n in templates.items() if n > 1}
    return response, body, len(ctx), repeated


def last_page(response):
    context = getattr(response, "context", None)
    try:
        page_obj = context["page_obj"] if context is not None else None
    except KeyError:
        page_obj = None
    return page_obj.paginator.num_pages if page_obj is not None else 1


def cold_count(client, path, headers):
    """Queries of a request with an empty cache (what a cache miss costs)."""
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        body_of(client.get(path, headers=headers))
    return len(ctx)


def explain_search(term, *, page=None):
    """EXPLAIN (ANALYZE) of the directory's search(), or of the list's page `page` of its results."""
    from directory.models import Organisation

    if connection.vendor != "postgresql":
        return {"skipped": "not PostgreSQL"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'directory_organisation' ORDER BY 1"
        )
        indexes = dict(cursor.fetchall())
    # The search indexes: trigram (migration 0002) and full text (0008, search_vector).
    trigram = [name for name, definition in indexes.items() if "trgm" in definition or "search_vector" in definition]
    queryset = Organisation.objects.published().search(term)
    matches = queryset.count()
    if page:
        queryset = queryset.order_by("-search_rank", "search_text", "pk")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    result = {
        "term": term,
        "page": page,
        "matches": matches,
        "sql": str(queryset.query),
        "plan": queryset.explain(analyze=True, buffers=True),
        "trigram_indexes": {name: indexes[name] for name in trigram},
    }
    result["uses_index"] = any(name in result["plan"] for name in trigram)
    return result


def search_ratio(application):
    """Median time of page 2 of a search for a word in every row, over the same for a rare word.

    Timed in-process on page-cache misses, through the WSGI handler (bench/miss_timing.py): under load the page
    cache would answer. Run before `setup_test_environment()`, whose template instrumentation would weigh on both.
    """
    rare, worst = (f"/annuaire/?q={term}&page=2" for term in (RARE_SEARCH_TERM, WORST_SEARCH_TERM))
    rare_ms, worst_ms = timed(application, rare, 9), timed(application, worst, 9)
    return {"rare": rare, "worst": worst, "rare_ms": round(rare_ms, 1), "worst_ms": round(worst_ms, 1)}


def main(out):
    started = time.monotonic()
    searches = search_ratio(get_wsgi_application())
    setup_test_environment()  # response.context (page_obj) and 'testserver' in ALLOWED_HOSTS
    values = discover()
    # A view that raises gives a 500 here (recorded) instead of stopping the whole phase.
    client = Client(raise_request_exception=False)
    report = {"values": values, "endpoints": {}}
    for endpoint in ENDPOINTS:
        if endpoint.kind == "trivial":
            continue
        fmt = {**values, "last_page": 1, "etag": ""}
        path = endpoint.path.format(**fmt)
        headers = {}
        if "{etag}" in str(endpoint.headers.values()):
            probe = client.get(path)
            fmt["etag"] = probe.headers.get("ETag", "")
        headers = {k: v.format(**fmt) for k, v in endpoint.headers.items()}
        if endpoint.kind == "export":
            started = time.monotonic()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path, headers=headers)
                body = body_of(response)
            report["endpoints"][endpoint.name] = {
                "path": path,
                "status": response.status_code,
                "queries": len(ctx),
                "repeated": {},
                "bytes": len(body),
                "seconds": round(time.monotonic() - started, 2),
                "missing": response.status_code == 404,
            }
            continue
        response, body, queries, repeated = measure(client, path, headers)
        entry = {
            "path": path,
            "status": response.status_code,
            "queries": queries,
            "repeated": repeated,
            "bytes": len(body),
        }
        if response.status_code == 404:
            entry["missing"] = True
            report["endpoints"][endpoint.name] = entry
            continue
        fmt["last_page"] = last_page(response)
        # Map data is cached: its warm count is ~0 whatever the rows, so compare what a cache miss costs.
        cached = endpoint.kind == "data" and not headers
        if cached:
            entry["queries_cold_cache"] = cold_count(client, path, headers)
        variants = {}
        for variant in endpoint.variants:
            if "{last_page}" in variant:
                # The last page of this variant's own list (its path without the page parameter).
                base = variant.replace("&page={last_page}", "").replace("?page={last_page}", "").format(**fmt)
                fmt["last_page"] = last_page(client.get(base, headers=headers))
            variant_path = variant.format(**fmt)
            variant_response, _, variant_queries, _ = measure(client, variant_path, headers)
            variants[variant_path] = {"status": variant_response.status_code, "queries": variant_queries}
            if cached:
                variants[variant_path]["queries_cold_cache"] = cold_count(client, variant_path, headers)
        entry["variants"] = variants
        key = "queries_cold_cache" if cached else "queries"
        counts = {entry[key], *(v[key] for v in variants.values() if v["status"] == 200)}
        entry["fixed"] = len(counts) == 1
        report["endpoints"][endpoint.name] = entry
    try:
        report["explain"] = explain_search(values["search"])
        report["explain_worst"] = explain_search(WORST_SEARCH_TERM, page=2)
    except Exception as error:  # reported, not fatal: the rest of the bench is still worth having
        report["explain"] = {"error": f"{type(error).__name__}: {error}"}
    report["search_ratio"] = searches
    report["rotations"] = write_rotations(Path(out).parent / "rotations")
    report["seconds"] = round(time.monotonic() - started, 1)
    Path(out).write_text(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
