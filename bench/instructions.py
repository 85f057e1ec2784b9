"""Instructions per request of a page, counted by valgrind: a measure that the machine's noise does not move.

`python bench/instructions.py PATH [PATH ...] [--requests N]` against the database of `DATABASE_URL`, with the
settings `bench/miss_timing.py` documents. Each path is requested through Django's WSGI handler as
`miss_timing` requests it (`Accept-Encoding: gzip`, the same path every time: a page-cache hit for the list),
under `valgrind --tool=cachegrind --cache-sim=no`, once with no request and once with N; the difference over
N is what one request costs this process (the database's own work is not counted). Timings on this shared
two-core machine move by 20 % between runs; instruction counts move by well under 1 %, so a change of a few
percent to a page (bench/RESULTS-misses.md) can be told from noise. Needs valgrind (apt: valgrind);
a path takes about a minute.
"""

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 30  # requests before counting: templates compiled, per-process caches filled


def counted(path, requests):
    """Instructions valgrind counts for starting Django, warming up, then `requests` requests of `path`."""
    command = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--serve",
        path,
        "--requests",
        str(requests),
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT).stderr
    return int(re.search(r"I\s+refs:\s+([\d,]+)", output).group(1).replace(",", ""))


def serve(path, requests):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apes_portal.settings")
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application

    from bench.miss_timing import request

    application = get_wsgi_application()
    for _ in range(WARM_UP + requests):
        status = request(application, path)
        assert status.startswith("200"), (path, status)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # the process valgrind runs
    args = parser.parse_args()
    if args.serve:
        serve(args.paths[0], args.requests)
        return
    for path in args.paths:
        per_request = (counted(path, args.requests) - counted(path, 0)) / args.requests
        print(f"{per_request / 1e6:8.3f} M instructions per request  {path}", flush=True)


if __name__ == "__main__":
    main()
