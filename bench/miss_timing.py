"""In-process timing of pages on a cache miss, and a cProfile of one of them.

`python bench/miss_timing.py [--profile PATH]` against the database of `DATABASE_URL` (seeded by
`seed_demo --organisations N`). Each path is requested with a fresh query string (`&_miss=N`, ignored by
the views but part of the page-cache key), so the HTML cache never answers: what a crawler or a
signed-in person costs. Prints the median of `--repeat` requests per path, in milliseconds.
"""

import argparse
import cProfile
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

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.endpoints import RARE_SEARCH_TERM, WORST_SEARCH_TERM  # noqa: E402
from directory.models import Organisation  # noqa: E402

RARE, COMMON, EVERY = RARE_SEARCH_TERM, "solidaire", WORST_SEARCH_TERM


def paths():
    organisation = Organisation.objects.published().order_by("pk").first()
    return {
        "home": "/",
        "list, page 7": "/annuaire/?page=7",
        "list, sector + department": "/annuaire/?departement=62&page=2",
        "organisation page": organisation.get_absolute_url(),
        f"search rare word ({RARE}), page 2": f"/annuaire/?q={RARE}&page=2",
        f"search common word ({COMMON}), page 2": f"/annuaire/?q={COMMON}&page=2",
        f"search word in every row ({EVERY}), page 2": f"/annuaire/?q={EVERY}&page=2",
    }


def timed(client, path, repeat):
    durations = []
    for attempt in range(repeat + 1):
        separator = "&" if "?" in path else "?"
        started = time.perf_counter()
        response = client.get(f"{path}{separator}_miss={time.monotonic_ns()}")
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code in (200, 404), (path, response.status_code)
        if attempt:  # the first one fills per-process caches
            durations.append(elapsed)
    return statistics.median(durations)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--profile", help="cProfile this path (e.g. '/annuaire/?page=7') and print the top calls")
    args = parser.parse_args()
    setup_test_environment()  # "testserver" in ALLOWED_HOSTS
    client = Client()
    if args.profile:
        timed(client, args.profile, 1)
        profiler = cProfile.Profile()
        profiler.enable()
        timed(client, args.profile, args.repeat)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(40)
        return
    print(f"{Organisation.objects.count()} organisations")
    for name, path in paths().items():
        print(f"{timed(client, path, args.repeat):8.1f} ms  {name}  {path}")


if __name__ == "__main__":
    main()
