"""In-process timing of pages on a cache miss, and a cProfile of one of them.

`python bench/miss_timing.py [--profile PATH]` against the database of `DATABASE_URL` (seeded by
`seed_demo --organisations N`), with the production settings bench/run.py gives gunicorn (DEBUG off,
`SECRET_KEY`, `ALLOWED_HOSTS=127.0.0.1`, `SECURE_SSL_REDIRECT=false`, `BENCH_TRIVIAL_VIEW=true`). Requests go
through Django's WSGI handler, as under gunicorn: not the test client, whose template instrumentation
(a signal and a context copy per template rendered) doubles the cost of a template-heavy page. Each path
is requested with a fresh query string (`&_miss=N`, ignored by the views but part of the page-cache key),
so the HTML cache never answers: what a crawler or a signed-in person costs. One row, the cached list, asks the
same path each time, to show what a page-cache hit costs. Requests say `Accept-Encoding: gzip`, as the load
client's do: compressing a page is part of its cost. Prints the median of `--repeat` requests per path, in
milliseconds, the trivial view (the load phase's ceiling) first.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apes_portal.settings")

import django  # noqa: E402

django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402

from bench.endpoints import RARE_SEARCH_TERM, WORST_SEARCH_TERM  # noqa: E402
from directory.models import Organisation  # noqa: E402

RARE, COMMON, EVERY = RARE_SEARCH_TERM, "solidaire", WORST_SEARCH_TERM
CACHED = "/annuaire/"  # asked as it is: the page cache answers after the first request


def paths():
    organisation = Organisation.objects.published().order_by("pk").first()
    return {
        "trivial view (ceiling)": "/_bench/trivial/",
        "home": "/",
        "list, cached (the same path each time)": CACHED,
        "list, page 7": "/annuaire/?page=7",
        "list, department, page 2": "/annuaire/?departement=62&page=2",
        "list, sector, page 3": "/annuaire/?sector=alimentation&page=3",
        "organisation page": organisation.get_absolute_url(),
        f"search rare word ({RARE}), page 2": f"/annuaire/?q={RARE}&page=2",
        f"search common word ({COMMON}), page 2": f"/annuaire/?q={COMMON}&page=2",
        f"search word in every row ({EVERY}), page 2": f"/annuaire/?q={EVERY}&page=2",
        # A search lists at most its 1,000 most recent matches: its last page, and another order.
        f"search word in every row ({EVERY}), page 42": f"/annuaire/?q={EVERY}&page=42",
        f"search common word ({COMMON}) by commune, page 2": f"/annuaire/?q={COMMON}&sort=commune&page=2",
    }


def request(application, path):
    """GET `path` through the WSGI application as gunicorn would: its status line."""
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "HTTP_ACCEPT_ENCODING": "gzip",
    }
    status = []
    b"".join(application(environ, lambda line, headers, exc_info=None: status.append(line)))
    return status[0]


def timed(application, path, repeat):
    durations = []
    for attempt in range(repeat + 1):
        separator = "&" if "?" in path else "?"
        asked = path if path == CACHED else f"{path}{separator}_miss={time.monotonic_ns()}"
        started = time.perf_counter()
        status = request(application, asked)
        elapsed = (time.perf_counter() - started) * 1000
        assert status.startswith(("200", "404")), (path, status)
        if attempt:  # the first one fills per-process caches
            durations.append(elapsed)
    return statistics.median(durations)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--profile", help="cProfile this path (e.g. '/annuaire/?page=7') and print the top calls")
    args = parser.parse_args()
    application = get_wsgi_application()
    if args.profile:
        timed(application, args.profile, 1)
        profiler = cProfile.Profile()
        profiler.enable()
        timed(application, args.profile, args.repeat)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(40)
        return
    print(f"{Organisation.objects.count()} organisations")
    for name, path in paths().items():
        print(f"{timed(application, path, args.repeat):8.1f} ms  {name}  {path}")


if __name__ == "__main__":
    main()
