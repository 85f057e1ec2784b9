#!/usr/bin/env python3
"""Benchmark of the portal at regional scale: PostgreSQL, 20,000 organisations, gunicorn, loopback load.

One command, end to end (see bench/README.md):

    .venv/bin/python bench/run.py

1. setup: a throwaway PostgreSQL cluster on a free loopback port (or --database-url), `migrate`,
   `seed_demo --organisations N`, `collectstatic`;
2. in-process (bench/inprocess.py): SQL queries per request with Django's test client, EXPLAIN
   (ANALYZE) of the directory search;
3. gunicorn as in production (DEBUG off), with the trivial view /_bench/trivial/ on;
   each endpoint of bench/endpoints.py is probed (status, sizes), then driven for --duration s;
4. page weight of the public pages; budgets; bench/RESULTS.md and the table on stdout;
5. with --scale-out: two gunicorn instances sharing Redis and the database (bench/scale_out.py);
6. with --shared-state: issue 15's proof (bench/shared_state.py) for 3 workers without Redis, 3 workers
   with Redis and two servers sharing Redis: stale window after a change, 304 share, cached list throughput.

Everything it starts (PostgreSQL, gunicorn, redis-server) is stopped on exit, even on error.
"""

import argparse
import datetime
import gzip
import http.client
import json
import os
import platform
import secrets
import shlex
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load, map_timing, report, scales, stack  # noqa: E402
from bench.endpoints import ENDPOINTS  # noqa: E402
from bench.weight import page_weight  # noqa: E402

# The site's placeholder page for sections not built yet ("coming soon"): measured, but flagged.
PLACEHOLDER_MARK = b"<h1>En construction</h1>"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--organisations",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[20_000],
        help="synthetic organisations (20000); several scales, comma-separated, are run one after the other "
        "(e.g. 20000,200000): the map at the larger one is compared with the smaller one's",
    )
    parser.add_argument("--map-runs", type=int, default=5, help="Chromium timings of /carte/ per variant (5)")
    parser.add_argument("--database-url", help="use this PostgreSQL database instead of a throwaway cluster")
    parser.add_argument("--skip-setup", action="store_true", help="no migrate/seed/collectstatic (with --database-url)")
    parser.add_argument("--duration", type=float, default=8, help="seconds of load per endpoint (8)")
    parser.add_argument("--warmup", type=float, default=1, help="seconds of unmeasured load before each (1)")
    parser.add_argument("--ceiling-slice", type=float, default=3, help="seconds of trivial view between endpoints (3)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections (8)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"], help="gunicorn worker class")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument("--driver", default="auto", choices=["auto", "wrk", "python"], help="load client")
    parser.add_argument(
        "--cache",
        default="auto",
        choices=["auto", "redis", "locmem"],
        help="redis: a loopback redis-server as REDIS_URL, as in production; locmem: per-process memory; "
        "auto (default): redis when redis-server is installed",
    )
    parser.add_argument("--scale-out", action="store_true", help="also prove two app servers share Redis and the DB")
    parser.add_argument(
        "--shared-state",
        action="store_true",
        help="also measure the stale window, the 304 share and the cached list with 3 workers without Redis, "
        "with Redis, and two servers sharing Redis",
    )
    parser.add_argument("--changes", type=int, default=3, help="renames per set-up for --shared-state (3)")
    parser.add_argument(
        "--before",
        metavar="GIT_REF",
        help="with --shared-state: also measure the cached list of this commit (the code before issue 15)",
    )
    parser.add_argument(
        "--into",
        action="store_true",
        help="with --shared-state --no-load: replace only the shared-state section of --results (the rest of "
        "RESULTS.md keeps the last full run's figures)",
    )
    parser.add_argument("--no-load", action="store_true", help="skip the load phase (setup, counts, scale-out only)")
    parser.add_argument(
        "--wsgi", default="apes_portal.wsgi", help="WSGI module for gunicorn (to measure a fix before proposing it)"
    )
    parser.add_argument(
        "--only", action="append", help="load only this endpoint (name as in bench/endpoints.py; repeatable)"
    )
    parser.add_argument("--results", default=str(stack.ROOT / "bench" / "RESULTS.md"), help="Markdown output")
    args = parser.parse_args(argv)
    if args.into and not (args.shared_state and args.no_load):
        parser.error("--into only splices the shared-state section: use it with --shared-state --no-load")
    args.organisations.sort()
    if args.database_url and len(args.organisations) > 1:
        parser.error("several --organisations scales need throwaway clusters (no --database-url)")
    if args.skip_setup and not args.database_url:
        parser.error("--skip-setup needs --database-url (a throwaway cluster starts empty)")
    unknown = set(args.only or ()) - {e.name for e in ENDPOINTS}
    if unknown:
        parser.error(f"--only: unknown endpoint(s) {sorted(unknown)}; names are in bench/endpoints.py")
    has_client = subprocess.run([stack.PYTHON, "-c", "import redis"], capture_output=True).returncode == 0
    if args.cache == "auto":
        args.cache = "redis" if shutil.which("redis-server") and has_client else "locmem"
        if args.cache == "locmem":
            print("  cache: local memory (redis-server or the `redis` package is missing; see bench/README.md)")
    if (args.cache == "redis" or args.scale_out or args.shared_state) and not has_client:
        parser.error("Django's RedisCache needs the `redis` package: .venv/bin/pip install redis")
    if args.driver == "auto":
        args.driver = "wrk" if load.wrk_available() else "python"
    return args


def django_env(database_url, redis_url=""):
    """The environment of every Django process the bench starts: production settings on loopback."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "TESTING", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY="bench-" + secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        STATIC_ROOT=str(stack.OUT / "staticfiles"),
        MEDIA_ROOT=str(stack.OUT / "media"),
        BENCH_TRIVIAL_VIEW="true",
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env, *args, log, timeout=900):
    return stack.run([stack.PYTHON, "manage.py", *args], env=env, log=log, timeout=timeout)


def machine_info(env):
    def out(cmd):
        try:
            return subprocess.run(
                cmd, capture_output=True, text=True, timeout=20, env=env, cwd=stack.ROOT
            ).stdout.rstrip()  # rstrip: `free -h` starts with aligned spaces
        except (OSError, subprocess.SubprocessError):
            return "?"

    versions = out(
        [
            stack.PYTHON,
            "-c",
            (
                "import sys, django, gunicorn, psycopg; "
                "print(sys.version.split()[0], django.get_version(), gunicorn.__version__, psycopg.__version__)"
            ),
        ]
    ).split()
    pg = out(["psql", env["DATABASE_URL"], "-Atc", "SHOW server_version"]) or "?"
    head = out(["git", "rev-parse", "--short", "HEAD"])
    dirty = " + uncommitted changes" if out(["git", "status", "--porcelain", "--untracked-files=no"]) else ""
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": out(["nproc"]),
        "cpu": next(
            (
                ln.split(":", 1)[1].strip()
                for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")
            ),
            platform.processor(),
        ),
        "free": out(["free", "-h"]),
        "python": versions[0] if versions else "?",
        "django": versions[1] if len(versions) > 1 else "?",
        "gunicorn": versions[2] if len(versions) > 2 else "?",
        "psycopg": versions[3] if len(versions) > 3 else "?",
        "postgresql": pg.split()[0] if pg != "?" else "?",
        "wrk": out(["sh", "-c", "wrk --version 2>&1 | head -1"]).split(" [")[0] or "absent",
        "commit": f"{head}{dirty}",
        "loadavg_start": os.getloadavg(),
    }


def probe(port, endpoint, values):
    """One request of each endpoint: status, sizes (raw, gzipped), ETag, placeholder page or not."""
    path = endpoint.path.format(**values)
    headers = {k: v.format(**values) for k, v in endpoint.headers.items()}
    try:
        status, response_headers, body, seconds = stack.fetch(port, path, headers=headers, timeout=60)
        gz_headers, gz_body = {}, b""
        if endpoint.kind != "export":  # a download is fetched once: its gzip size is computed here
            _, gz_headers, gz_body, _ = stack.fetch(port, path, headers={**headers, "Accept-Encoding": "gzip"})
    except (OSError, http.client.HTTPException) as error:
        # A worker killed mid-response (gunicorn's timeout) or a refused connection: an error, kept.
        return {
            "path": path,
            "headers": headers,
            "status": f"error: {type(error).__name__}",
            "first_ms": None,
            "bytes": None,
            "gzip": None,
            "gzip_by": "",
            "etag": "",
            "content_type": "",
            "cache_control": "",
            "placeholder": False,
            "missing": False,
            "error": str(error)[:200],
        }
    if gz_headers.get("content-encoding") == "gzip":
        gzipped, gzip_by = len(gz_body), "server"
    else:
        gzipped, gzip_by = len(gzip.compress(body, compresslevel=6)), "level 6"
    return {
        "path": path,
        "headers": headers,
        "status": status,
        "first_ms": seconds * 1000,
        "bytes": len(body),
        "gzip": gzipped if body else 0,
        "gzip_by": gzip_by,
        "etag": response_headers.get("etag", ""),
        "content_type": response_headers.get("content-type", ""),
        "cache_control": response_headers.get("cache-control", ""),
        "placeholder": PLACEHOLDER_MARK in body,
        "missing": status == 404,
    }


def load_phase(args, env, values, results, log, *, map_floor=True):
    """Start gunicorn, probe every endpoint, drive each one, time the map in Chromium, measure page weight and
    the workers' peak memory."""
    port = stack.free_port()
    rotations = stack.OUT / "rotations"
    # Where each rotation's walk stands: the next request takes the next path, never one already asked.
    cursors = dict.fromkeys(results["inprocess"].get("rotations", {}), 0)
    with stack.Gunicorn(
        port, env, workers=args.workers, worker_class=args.worker_class, threads=args.threads, log=log, app=args.wsgi
    ) as server:
        probes = {}
        for endpoint in ENDPOINTS:
            if endpoint.rotate:
                first = (rotations / f"{endpoint.rotate}.txt").open().readline().strip()
                probes[endpoint.name] = probe(port, replace(endpoint, path=first), values)
                cursors[endpoint.rotate] = 1
                continue
            if "{etag}" in json.dumps(endpoint.headers):
                source = next((p for p in probes.values() if p["path"] == endpoint.path and p["etag"]), None)
                values = {**values, "etag": source["etag"] if source else '"none"'}
            probes[endpoint.name] = probe(port, endpoint, values)
            probes[endpoint.name]["etag_sent"] = values.get("etag", "")
        results["probes"] = probes
        only = set(args.only or ())
        trivial = next(e for e in ENDPOINTS if e.kind == "trivial")

        def drive(endpoint, seconds):
            info = probes[endpoint.name]
            # As a browser: compressed responses accepted (only the GeoJSON and static files use it).
            headers = {"Accept-Encoding": "gzip", **info["headers"]}
            rotation = None
            if endpoint.rotate:
                rotation = (rotations / f"{endpoint.rotate}.txt", cursors[endpoint.rotate])
            run = load.drive(
                args.driver, port, info["path"], headers, seconds, args.connections, endpoint.expect, rotation
            )
            if endpoint.rotate:
                # Requests still in flight when the client stopped were sent too: skip past them.
                cursors[endpoint.rotate] += run["requests"] + args.connections
            return run

        # The ceiling is measured in a slice before and after every endpoint, and each endpoint's ratio
        # uses the two slices around it: on a shared machine, the available CPU drifts during a run.
        print(f"  load: {trivial.name} ({trivial.path}), {args.ceiling_slice:g} s between endpoints", flush=True)
        drive(trivial, args.warmup)
        ceiling = [drive(trivial, args.ceiling_slice)]
        runs = {}
        for endpoint in ENDPOINTS:
            info = probes[endpoint.name]
            if endpoint is trivial or info["missing"] or not endpoint.load or (only and endpoint.name not in only):
                continue
            print(f"  load: {endpoint.name} ({info['path']})", flush=True)
            drive(endpoint, args.warmup)
            run = drive(endpoint, args.duration)
            ceiling.append(drive(trivial, args.ceiling_slice))
            run["ceiling_rps"] = (ceiling[-2]["rps"] + ceiling[-1]["rps"]) / 2
            run["ratio"] = run["rps"] / run["ceiling_rps"] if run["ceiling_rps"] else None
            if endpoint.rotate:
                run["rotation"] = {"paths": results["inprocess"]["rotations"][endpoint.rotate]}
                run["rotation"]["walked"] = cursors[endpoint.rotate]
            runs[endpoint.name] = run
        runs[trivial.name] = load.combine(ceiling)
        results["runs"] = runs
        print(f"  map timing in Chromium ({args.map_runs} runs{', with its floor' if map_floor else ''})", flush=True)
        results["map_timing"] = map_timing.time_map(f"http://127.0.0.1:{port}", runs=args.map_runs, floor=map_floor)
        results["worker_peak_rss"] = server.worker_peak_rss()
        results["page_weight"] = {
            e.name: page_weight(port, probes[e.name]["path"], env["MEDIA_ROOT"])
            for e in ENDPOINTS
            if e.page_weight and not probes[e.name]["missing"]
        }


def shared_state_phase(args, env, redis, cleanup, logs):
    """bench/shared_state.py's three set-ups on the seeded database; a Redis of its own if none runs yet."""
    from bench import shared_state

    if redis is None:
        redis = cleanup.enter_context(stack.RedisServer(log=logs / "redis-shared-state.log"))
    before = None
    if args.before:
        # The previous code as files (no git worktree): `git archive` into bench/out/before.
        before = stack.OUT / "before"
        shutil.rmtree(before, ignore_errors=True)
        before.mkdir()
        archive = subprocess.run(["git", "archive", args.before], cwd=stack.ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", before], input=archive.stdout, check=True)
    results = shared_state.prove(
        env, redis.url, changes=args.changes, before=before, flush=lambda: redis.command("FLUSHALL")
    )
    return {"before": args.before, "changes": args.changes, "setups": results}


def splice_section(path, heading, section):
    """`path`'s text with the `heading` section (up to the next `## `) replaced by `section`, or appended."""
    text = path.read_text() if path.exists() else ""
    start = text.find(heading)
    if start < 0:
        return text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    end = text.find("\n## ", start + len(heading))
    return text[:start] + section + (text[end + 1 :] if end >= 0 else "")


def run_scale(args, organisations, command, logs, *, map_floor):
    """Every phase at one scale (its own throwaway cluster and Redis, stopped on return): the results."""
    started = time.monotonic()
    results = {"command": command, "args": {**vars(args), "organisations": organisations}, "timings": {}}

    def phase(name, since):
        results["timings"][name] = round(time.monotonic() - since, 1)
        print(f"  {name}: {results['timings'][name]} s", flush=True)

    print(f"{organisations:,} organisations", flush=True)
    with ExitStack() as cleanup:
        t = time.monotonic()
        if args.database_url:
            database_url = args.database_url
        else:
            cluster = cleanup.enter_context(stack.PostgresCluster(log=logs / "postgres.log"))
            database_url = cluster.url
        redis, redis_url = None, ""
        if args.cache == "redis":
            redis = cleanup.enter_context(stack.RedisServer(log=logs / "redis.log"))
            redis_url = redis.url
        env = django_env(database_url, redis_url)
        results["machine"] = machine_info(env)
        phase("database", t)
        if not args.skip_setup:
            setup_env = {**env, "DB_STATEMENT_TIMEOUT_MS": "0"}
            t = time.monotonic()
            manage(setup_env, "migrate", "--noinput", log=logs / "setup.log")
            phase("migrate", t)
            t = time.monotonic()
            manage(setup_env, "seed_demo", "--organisations", str(organisations), log=logs / "setup.log")
            phase(f"seed_demo --organisations {organisations}", t)
            # What autovacuum does within a minute of a bulk import: without statistics the planner
            # guesses a tiny table and scans it instead of using the search index.
            t = time.monotonic()
            stack.run(["psql", database_url, "-q", "-c", "VACUUM ANALYZE"], log=logs / "setup.log")
            phase("vacuum analyze", t)
            t = time.monotonic()
            manage(setup_env, "collectstatic", "--noinput", "-v", "0", log=logs / "setup.log")
            phase("collectstatic", t)
        t = time.monotonic()
        counts_file = stack.OUT / "inprocess.json"
        stack.run([stack.PYTHON, "bench/inprocess.py", counts_file], env=env, log=logs / "inprocess.log")
        results["inprocess"] = json.loads(counts_file.read_text())
        values = {k: v for k, v in results["inprocess"]["values"].items() if isinstance(v, str)}
        values.setdefault("last_page", 1)
        phase("in-process queries and EXPLAIN", t)
        if not args.no_load:
            if redis is not None:
                redis.command("FLUSHALL")  # the server starts cold: `1st ms` of the map data is a cache miss
            t = time.monotonic()
            load_phase(args, env, values, results, logs / "gunicorn.log", map_floor=map_floor)
            phase("load, map timing and page weight", t)
        if args.scale_out:
            from bench import scale_out

            t = time.monotonic()
            results["scale_out"] = scale_out.prove(env, values, logs)
            phase("scale-out proof", t)
        if args.shared_state:
            t = time.monotonic()
            results["shared_state"] = shared_state_phase(args, env, redis, cleanup, logs)
            phase("shared-state proof", t)
    results["machine"]["loadavg_end"] = os.getloadavg()
    results["timings"]["total"] = round(time.monotonic() - started, 1)
    return results


def main(argv=None):
    args = parse_args(argv)
    started = time.monotonic()
    stack.OUT.mkdir(parents=True, exist_ok=True)
    logs = stack.OUT / "logs"
    logs.mkdir(exist_ok=True)
    for old in logs.glob("*.log"):
        old.unlink()
    command = " ".join([".venv/bin/python bench/run.py", *map(shlex.quote, sys.argv[1:] if argv is None else argv)])
    # The map's floor (every point fetched and parsed) is timed at the smallest scale only: at the larger
    # one the budget compares the map with the smaller scale's.
    runs = [run_scale(args, n, command, logs, map_floor=n == args.organisations[0]) for n in args.organisations]
    (stack.OUT / "results.json").write_text(json.dumps(runs, indent=2, ensure_ascii=False, default=str))
    markdown, table = scales.render(runs)
    if args.into:
        markdown = splice_section(
            Path(args.results), report.SHARED_STATE_HEADING, report.shared_state_section(runs[-1])
        )
    Path(args.results).write_text(markdown)
    print()
    print(table)
    total = round(time.monotonic() - started, 1)
    print(f"\nTotal: {total} s. Written: {args.results} (raw figures: bench/out/results.json)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
