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

`bench/run.py --shared-state` calls `prove()`: the three set-ups of issue 15 on its seeded database (3 workers
without Redis, 3 workers with Redis, two servers sharing Redis), each reported in bench/RESULTS.md.
Every run is bounded: a poll gives up after `POLL_LIMIT` s, the throughput lasts `THROUGHPUT_SECONDS` s.
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
POLL_LIMIT = 30  # seconds a stale-window poll may last: a change never seen shows as a 30 s window
THROUGHPUT_SECONDS = 5.0
WARMUP_SECONDS = 3.0
# (label, servers, with Redis): the set-ups issue 15 asks the bench to prove.
SETUPS = [
    ("3 workers, no Redis (database cache)", 1, False),
    ("3 workers, Redis", 1, True),
    ("2 servers × 3 workers, one Redis", 2, True),
]


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port, path, headers=None):
    """One request on a fresh connection (any worker may answer), with the same Host for every instance.

    A load balancer sends the site's name to every server; so does this: pages holding absolute links
    (the CSV) are keyed on the host, and `127.0.0.1:<port>` would make each instance a different site.
    """
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
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
        logs = ROOT / "bench" / "out" / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        log = open(logs / "shared-state-gunicorn.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, cwd=self.cwd, env=self.env, stderr=log)
        log.close()  # the child holds its own descriptor
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

    deadline = time.time() + POLL_LIMIT

    def poll(port):
        streak = 0
        while not (done.is_set() and streak >= 5 * workers) and time.time() < deadline:
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


def throughput(ports, seconds=THROUGHPUT_SECONDS, clients=4, warmup=WARMUP_SECONDS):
    """(requests per second answered 200, other answers) of the cached list, clients spread over the instances.

    After `warmup` s of the same load, unmeasured: a fresh server's workers are still importing Django
    and rendering their first page, which on 2 shared cores would eat most of a short measurement.
    """
    _drive(ports, warmup, clients)
    done, errors = _drive(ports, seconds, clients)
    return sum(done) / seconds, len(errors)


def _drive(ports, seconds, clients):
    done, errors = [], []
    stop = time.monotonic() + seconds

    def client(port):
        count = 0
        while time.monotonic() < stop:
            if fetch(port, LIST)[0] == 200:
                count += 1
            else:
                errors.append(port)
        done.append(count)

    threads = [threading.Thread(target=client, args=(ports[n % len(ports)],)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done, errors


def production_env(base, redis_url=""):
    """`base` as the README's production command sees it: no TESTING/DEBUG, REDIS_URL only if given."""
    env = {k: v for k, v in base.items() if k not in {"TESTING", "DEBUG", "REDIS_URL"}}
    env.update(ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="false", SECURE_COOKIES="false", AXES_ENABLED="false")
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def first_slug(env):
    code = (
        "from directory.models import Organisation as O; "
        "print(O.objects.published().order_by('pk').values_list('slug', flat=True)[0])"
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip().splitlines()[-1]


def measure(env, *, workers=3, servers=1, changes=5, before=None):
    """One set-up: `servers` gunicorn instances of `workers` workers on `env` (production_env)."""
    slug = first_slug(env)
    result = {"workers": workers, "servers": servers, "redis": bool(env.get("REDIS_URL"))}
    with ExitStack() as stack:
        ports = [free_port() for _ in range(servers)]
        for port in ports:
            stack.enter_context(Gunicorn(port, env, workers, ROOT))
        windows = []
        for n in range(changes):
            name = f"Banc essai {n} {int(time.time())}"
            query = name.split()[-1]
            for port in ports:  # every worker holds the current list in its cache
                for _ in range(4 * workers):
                    fetch(port, f"{LIST}?q={query}")
            windows.append(stale_window(ports, workers, query, name, lambda name=name: rename(env, slug, name)))
        result["stale_window_max_s"] = round(max(windows), 3)
        not_modified, answered = revalidations(ports, rounds=10 * workers)
        result["revalidations_304"] = f"{not_modified}/{answered}"
        rps, errors = throughput(ports)
        result.update(cached_list_rps_after=round(rps, 1), cached_list_errors=errors)
    if before:
        port = free_port()
        with Gunicorn(port, env, workers, before):
            rps, errors = throughput([port])
            result.update(cached_list_rps_before=round(rps, 1), cached_list_errors_before=errors)
    return result


def prove(base_env, redis_url, *, changes=3, before=None, flush=None):
    """The three SETUPS on the seeded database of `base_env`; `flush()` empties Redis between them.

    `before` (a checkout of the code before issue 15) is measured once, in the README's production
    set-up (3 workers, no Redis), next to the first set-up.
    """
    results = []
    for label, servers, with_redis in SETUPS:
        if flush:
            flush()
        env = production_env(base_env, redis_url if with_redis else "")
        result = measure(env, servers=servers, changes=changes, before=before if not results else None)
        results.append({"setup": label, **result})
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--servers", type=int, default=1)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--before", help="a checkout of the previous code, for the throughput comparison")
    args = parser.parse_args(argv)
    env = production_env(os.environ, args.redis_url)
    result = measure(env, workers=args.workers, servers=args.servers, changes=args.changes, before=args.before)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
