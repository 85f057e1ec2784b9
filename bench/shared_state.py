"""Shared-state proof: the stale window after a change, the share of 304s, and the cached list's throughput.

Run against an already migrated and seeded PostgreSQL database (bench/run.py's setup, or by hand):

    DATABASE_URL=postgres://… STATIC_ROOT=… SECRET_KEY=… .venv/bin/python bench/shared_state.py \\
        [--redis-url redis://…] [--servers 2] [--before /path/to/previous/checkout]

It starts `--servers` gunicorn instances of `--workers` workers each (production settings: no REDIS_URL
means the database cache), then, `--changes` times: renames one organisation from a process of its own
(`manage.py shell`, as an import or a command would) and polls `/annuaire/?q=…` on every instance until every
worker has shown the new name; the longest wait after the commit is the stale window. It then revalidates the
GeoJSON and the CSV with their ETag on every instance and counts the 304s, and measures the cached list's
throughput (4 clients, anonymous, same query). With `--before`, the same throughput of the previous checkout
(its own settings, same database) is measured for comparison.
"""

import argparse
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
LIST = "/annuaire/"
GEOJSON = "/api/organisations.geojson"
CSV = "/annuaire/export.csv"


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


class Gunicorn:
    def __init__(self, port, env, workers, cwd):
        self.port, self.env, self.workers, self.cwd = port, env, workers, cwd

    def __enter__(self):
        cmd = [PYTHON.with_name("gunicorn"), "apes_portal.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        cmd += ["--workers", str(self.workers), "--timeout", "60", "--access-logfile", "/dev/null"]
        self.proc = subprocess.Popen(cmd, cwd=self.cwd, env=self.env, stderr=subprocess.DEVNULL)
        for _ in range(600):
            try:
                if fetch(self.port, "/healthz")[0] in (200, 503):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=20)


def rename(env, slug, name):
    """Rename from a process of its own; returns the wall-clock time right after the commit."""
    code = (
        "import time; from directory.models import Organisation; "
        f"o = Organisation.objects.get(slug={slug!r}); o.name = {name!r}; o.save(); print(time.time())"
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def stale_window(ports, workers, query, name, change):
    """Seconds from the commit of `change()` to the last answer still without `name`, on any instance.

    Every instance is polled continuously while the change runs (so each worker's copy of the versions is
    as fresh as load makes it), and until it has shown `name` on 5 × workers requests in a row (any
    worker may answer each one): a worker still serving the old page would break the streak.
    """
    answers = []  # (time, port, shows the new name)
    done = threading.Event()

    def poll(port):
        streak = 0
        while not (done.is_set() and streak >= 5 * workers):
            status, _, body = fetch(port, f"{LIST}?q={query}")
            fresh = status == 200 and name.encode() in body
            answers.append((time.time(), port, fresh))
            streak = streak + 1 if fresh else 0

    threads = [threading.Thread(target=poll, args=(port,)) for port in ports]
    for thread in threads:
        thread.start()
    committed = change()
    done.set()
    for thread in threads:
        thread.join(timeout=60)
    stale = [at - committed for at, _, fresh in answers if not fresh and at > committed]
    return max(stale, default=0.0)


def revalidations(ports, rounds):
    answered, not_modified = 0, 0
    for path in (GEOJSON, CSV):
        etag = fetch(ports[0], path)[1]["etag"]
        for _ in range(rounds):
            for port in ports:
                status = fetch(port, path, headers={"If-None-Match": etag})[0]
                answered += 1
                not_modified += status == 304
    return not_modified, answered


def throughput(port, seconds=5.0, clients=4):
    fetch(port, LIST)
    done = []
    stop = time.monotonic() + seconds

    def client():
        count = 0
        while time.monotonic() < stop:
            if fetch(port, LIST)[0] == 200:
                count += 1
        done.append(count)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--servers", type=int, default=1)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--before", help="a checkout of the previous code, for the throughput comparison")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k not in {"TESTING", "DEBUG", "REDIS_URL"}}
    env.update(ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="false", SECURE_COOKIES="false", AXES_ENABLED="false")
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    slug = (
        subprocess.run(
            [
                PYTHON,
                "manage.py",
                "shell",
                "-c",
                "from directory.models import Organisation as O; "
                "print(O.objects.published().order_by('pk').values_list('slug', flat=True)[0])",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    result = {"workers": args.workers, "servers": args.servers, "redis": bool(args.redis_url)}
    with ExitStack() as stack:
        ports = [free_port() for _ in range(args.servers)]
        for port in ports:
            stack.enter_context(Gunicorn(port, env, args.workers, ROOT))
        windows = []
        for n in range(args.changes):
            name = f"Banc essai {n} {int(time.time())}"
            query = name.split()[-1]
            for port in ports:  # every worker holds the current list in its cache
                for _ in range(4 * args.workers):
                    fetch(port, f"{LIST}?q={query}")
            windows.append(stale_window(ports, args.workers, query, name, lambda name=name: rename(env, slug, name)))
        result["stale_window_max_s"] = round(max(windows), 3)
        not_modified, answered = revalidations(ports, rounds=10 * args.workers)
        result["revalidations_304"] = f"{not_modified}/{answered}"
        result["cached_list_rps_after"] = round(throughput(ports[0]), 1)
    if args.before:
        port = free_port()
        with Gunicorn(port, env, args.workers, args.before):
            result["cached_list_rps_before"] = round(throughput(port), 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
