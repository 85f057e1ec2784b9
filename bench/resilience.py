#!/usr/bin/env python
"""Resilience drill: stop PostgreSQL under load, start it again, and count what was lost.

A script, not a test (it takes about a minute and starts real servers). Everything runs on
loopback, in temporary directories, and is stopped by its own process id at the end:

1. a throwaway PostgreSQL 15 cluster (initdb; fsync left ON: we count durable submissions),
   migrated and loaded with `seed_demo`;
2. gunicorn serving the portal with production settings (DEBUG off, collected static files);
3. a bounded load from a few client threads: GETs of public pages and POSTs of a public form that
   acknowledges submissions (default: the commitment form of /municipales-2026/s-engager/);
4. after a warm-up, `pg_ctl stop -m fast`, a pause of --outage seconds, `pg_ctl start`;
5. a report: responses by phase and type, the slowest answer during the outage, the time until
   pages succeed again, and the acknowledged submissions found in the database afterwards
   (must equal the number acknowledged).

    .venv/bin/python bench/resilience.py                 # defaults: 4 clients, 10 s outage
    .venv/bin/python bench/resilience.py --outage 5 --clients 2 --duration 30

Each simulated visitor sends its own X-Forwarded-For address and gunicorn runs with
TRUSTED_PROXY_COUNT=1, as behind a reverse proxy: per-IP rate limits apply per visitor, as in
production, instead of throttling the whole drill.

Forms: --preset commitment (default) or --preset membership (/adherer/); any other with
--form-path, --ack-location, --field name=value ({n} and {run} are replaced) and --count-sql
(a query returning the identifying column of acknowledged rows, {run} replaced).
"""

import argparse
import collections
import contextlib
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
HTTP_TIMEOUT = 10  # seconds; a request slower than this counts as a timeout
GET_PATHS = ["/", "/annuaire/", "/municipales-2026/", "/municipales-2026/engagements/", "/healthz"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres(cmd):
    """PostgreSQL refuses to run as root: drop to the postgres user when we are root."""
    cmd = [str(c) for c in cmd]
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def run(cmd, log, env=None, timeout=300):
    with open(log, "ab") as out:
        result = subprocess.run(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout)
    if result.returncode:
        tail = Path(log).read_text(errors="replace")[-2000:]
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited with {result.returncode}\n{tail}")


class Cluster:
    """A PostgreSQL cluster in a temporary directory, listening on 127.0.0.1:<free port> only."""

    def __init__(self, root, log):
        self.root = root
        self.data = root / "data"
        self.log = log
        self.port = free_port()
        self.started = False

    def init(self):
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        run(as_postgres([PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8"]), self.log)

    def start(self):
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        pg_log = self.root / "postgres.log"
        run(
            as_postgres([PG_BIN / "pg_ctl", "-D", self.data, "-l", pg_log, "-w", "-t", "60", "-o", options, "start"]),
            self.log,
        )
        self.started = True

    def stop(self, mode="fast"):
        run(as_postgres([PG_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop"]), self.log)
        self.started = False

    def createdb(self, name):
        run(as_postgres([PG_BIN / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", name]), self.log)

    def query(self, dbname, sql):
        """Rows of a query, through psql (one column, unaligned)."""
        psql = PG_BIN / "psql" if (PG_BIN / "psql").exists() else shutil.which("psql")
        cmd = [psql, "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "-d", dbname]
        cmd += ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql]
        out = subprocess.run(as_postgres(cmd), capture_output=True, text=True, timeout=60, check=True).stdout
        return [line for line in out.splitlines() if line]


class FormParser(HTMLParser):
    """The first POST form of a page: its hidden values and the choices of its inputs."""

    def __init__(self):
        super().__init__()
        self.in_form = False
        self.done = False
        self.hidden = {}
        self.choices = collections.defaultdict(list)  # radio/checkbox/select name -> values
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done and (attrs.get("method") or "").lower() == "post":
            self.in_form = True
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind == "hidden":
                self.hidden[name] = attrs.get("value", "")
            elif kind in {"radio", "checkbox"} and attrs.get("value"):
                self.choices[name].append(attrs["value"])
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and attrs.get("value"):
            self.choices[self._select].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True


class Recorder:
    """Thread-safe list of (time, kind, path, outcome, seconds)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.events = []
        self.acknowledged = []  # identifying values of acknowledged submissions
        self.first_refusal = None  # the form's error messages, when a submission is refused

    def add(self, *event):
        with self.lock:
            self.events.append(event)


def request(port, method, path, body=None, headers=None):
    """One HTTP request on a fresh connection: (status or exception name, headers, body, seconds)."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return response.status, response, data, time.monotonic() - started
    except TimeoutError:
        return "timeout", None, b"", time.monotonic() - started
    except OSError as error:
        return type(error).__name__, None, b"", time.monotonic() - started
    except http.client.HTTPException as error:
        return type(error).__name__, None, b"", time.monotonic() - started
    finally:
        connection.close()


def client_loop(worker, args, port, run_id, recorder, stop_at, counter, counter_lock, t0):
    visitor = 0
    while time.monotonic() < stop_at:
        with counter_lock:
            if counter[0] >= args.max_requests:
                return
            counter[0] += 1
            n = counter[0]
        visitor += 1
        address = f"10.{worker}.{visitor // 250 % 250}.{visitor % 250 + 1}"
        base_headers = {"X-Forwarded-For": address, "Host": "127.0.0.1"}
        path = GET_PATHS[n % len(GET_PATHS)]
        status, _, _, seconds = request(port, "GET", path, headers=base_headers)
        recorder.add(time.monotonic() - t0, "GET", path, status, seconds)
        if n % args.post_every:
            continue
        # A visitor submits the form: read it (CSRF cookie + token), fill it, send it.
        status, response, html, seconds = request(port, "GET", args.form_path, headers=base_headers)
        recorder.add(time.monotonic() - t0, "GET", args.form_path, status, seconds)
        if status != 200:
            continue
        cookie = ""
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("csrftoken="):
                cookie = value.split(";", 1)[0]
        parser = FormParser()
        parser.feed(html.decode("utf-8", "replace"))
        fields = dict(parser.hidden)
        for name, values in parser.choices.items():
            fields[name] = values[0]
        for name, value in args.field:
            fields[name] = value.format(n=n, run=run_id)
        body = urlencode(fields, doseq=True)
        headers = {
            **base_headers,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Referer": f"http://127.0.0.1:{port}{args.form_path}",
        }
        status, response, answer, seconds = request(port, "POST", args.form_path, body=body, headers=headers)
        outcome = status
        if status == 200 and recorder.first_refusal is None:
            # The form came back: say why, or the drill would silently test nothing.
            text = answer.decode("utf-8", "replace")
            errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>\s*(?:<[^>]+>\s*)*([^<]+)', text)
            recorder.first_refusal = [e.strip() for e in errors if e.strip()][:5] or ["(no error message found)"]
        if status in (301, 302, 303) and args.ack_location in (response.getheader("Location") or ""):
            outcome = "acknowledged"
            with recorder.lock:
                recorder.acknowledged.append(dict(args.field)[args.ack_field].format(n=n, run=run_id))
        recorder.add(time.monotonic() - t0, "POST", args.form_path, outcome, seconds)


def phase_of(t, outage_start, outage_end):
    if t < outage_start:
        return "1 before"
    if t < outage_end:
        return "2 outage"
    return "3 after"


def report(recorder, outage_start, outage_end, found, args):
    print("\n== Responses by phase (outage = from `pg_ctl stop` to the end of `pg_ctl start`)")
    table = collections.Counter()
    slowest = collections.defaultdict(float)
    for t, method, _path, outcome, seconds in recorder.events:
        phase = phase_of(t, outage_start, outage_end)
        table[(phase, method, str(outcome))] += 1
        slowest[phase] = max(slowest[phase], seconds)
    for key in sorted(table):
        print(f"  {key[0]:<9} {key[1]:<5} {key[2]:<22} {table[key]:>6}")
    print("\n== Errors by type (anything but 2xx, 3xx and acknowledged)")
    errors = collections.Counter(
        str(outcome)
        for _, _, _, outcome, _ in recorder.events
        if not (outcome == "acknowledged" or (isinstance(outcome, int) and outcome < 400))
    )
    for outcome, count in errors.most_common():
        print(f"  {outcome:<22} {count:>6}")
    if not errors:
        print("  none")

    during = [s for t, _, _, o, s in recorder.events if outage_start <= t < outage_end]
    if during:
        p95 = statistics.quantiles(during, n=20)[-1] if len(during) >= 20 else max(during)
        print(
            f"\n== Answers during the outage: {len(during)}, "
            f"p95 {p95 * 1000:.0f} ms, slowest {max(during) * 1000:.0f} ms"
        )
    for phase in sorted(slowest):
        print(f"  slowest answer, {phase}: {slowest[phase] * 1000:.0f} ms")

    first_ok = None
    last_failure = None
    for t, _, path, outcome, _ in sorted(recorder.events):
        if t < outage_end:
            continue
        ok = outcome == "acknowledged" or (isinstance(outcome, int) and outcome < 400)
        if ok and first_ok is None and path != "/healthz":
            first_ok = t
        if not ok:
            last_failure = t
    print("\n== Recovery")
    if first_ok is None:
        print("  NO successful page after PostgreSQL came back")
    else:
        print(f"  first successful page {first_ok - outage_end:.2f} s after PostgreSQL accepted connections again")
    if last_failure is None:
        print("  no failed request after PostgreSQL came back")
    else:
        print(f"  last failed request {last_failure - outage_end:.2f} s after PostgreSQL came back")

    acknowledged = set(recorder.acknowledged)
    found = set(found)
    print("\n== Submissions")
    print(f"  acknowledged to visitors: {len(acknowledged)}")
    print(f"  acknowledged and found in the database: {len(acknowledged & found)}")
    lost = acknowledged - found
    print(f"  acknowledged but missing (LOST): {len(lost)}" + (f" {sorted(lost)[:5]}" if lost else ""))
    print(f"  in the database without an acknowledgement (answer lost, not data): {len(found - acknowledged)}")
    if recorder.first_refusal:
        print(f"  a submission was refused by the form (check --field): {recorder.first_refusal}")
    verdict = not lost and first_ok is not None and acknowledged
    print("\nRESULT:", "OK - nothing lost, recovered by itself" if verdict else "FAILED")
    return 0 if verdict else 1


# Public forms that acknowledge a submission with a redirect; `--preset` picks one.
PRESETS = {
    "commitment": {
        "form_path": "/municipales-2026/s-engager/",
        "ack_location": "/s-engager/envoye/",
        "fields": [
            ("full_name", "Camille Essai {n}"),
            ("kind", "elu"),
            ("role", "Conseillère municipale"),
            ("commune", "Lille (59000)"),  # name and postal code: one commune
            ("epci", ""),  # derived from the commune
            ("email", "bench-{run}-{n}@resilience.example"),
            ("consent", "on"),
        ],
        "count_sql": "SELECT email FROM proposals_commitment WHERE email LIKE 'bench-{run}-%'",
    },
    "membership": {
        "form_path": "/adherer/",
        "ack_location": "/adherer/merci/",
        "fields": [
            ("organisation_name", "Coopérative essai {n}"),
            ("postal_code", "59000"),
            ("commune_name", "Lille"),
            ("presentation", "Une coopérative fictive, le temps d'un exercice de reprise."),
            ("contact_name", "Camille Essai"),
            ("email", "bench-{run}-{n}@resilience.example"),
            ("siren", ""),
            *[
                (name, "on")
                for name in (
                    "accepts_social_utility",
                    "accepts_territorial_anchoring",
                    "accepts_democratic_governance",
                    "accepts_limited_profit",
                    "consents_to_processing",
                )
            ],
        ],
        "count_sql": "SELECT email FROM directory_membershipapplication WHERE email LIKE 'bench-{run}-%'",
    },
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--warmup", type=float, default=8, help="seconds of load before the outage")
    parser.add_argument("--outage", type=float, default=10, help="seconds PostgreSQL stays stopped")
    parser.add_argument("--duration", type=float, default=40, help="total seconds of load (bounded)")
    parser.add_argument("--max-requests", type=int, default=20_000, help="hard cap on visits")
    parser.add_argument("--post-every", type=int, default=3, help="one visit in N also submits the form")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="commitment", help="the form to submit")
    parser.add_argument("--form-path", help="another form's path (with --field and --count-sql)")
    parser.add_argument("--ack-location", help="redirect target meaning 'saved'")
    parser.add_argument(
        "--field",
        action="append",
        type=lambda s: tuple(s.split("=", 1)),
        help="name=value for the form ({n}, {run} replaced); repeatable; other choices take their first option",
    )
    parser.add_argument("--ack-field", default="email", help="the --field that identifies a submission")
    parser.add_argument("--count-sql", help="query listing the identifying values of saved submissions ({run})")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    args = parser.parse_args()
    preset = PRESETS[args.preset]
    args.form_path = args.form_path or preset["form_path"]
    args.ack_location = args.ack_location or preset["ack_location"]
    args.field = args.field or preset["fields"]
    args.count_sql = args.count_sql or preset["count_sql"]
    return args


def main():
    args = parse_args()
    run_id = secrets.token_hex(3)
    tmp = Path(tempfile.mkdtemp(prefix="apes-resilience."))
    tmp.chmod(0o711)  # the postgres user must traverse it to reach its own data directory
    log = tmp / "setup.log"
    cluster = Cluster(tmp / "pg", log)
    cluster.root.mkdir()
    gunicorn = None
    print(f"work directory: {tmp} (run {run_id})")
    try:
        t = time.monotonic()
        cluster.init()
        cluster.start()
        cluster.createdb("apes")
        env = {
            **{k: v for k, v in os.environ.items() if k not in {"TESTING", "DEBUG"}},
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{cluster.port}/apes",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "STATIC_ROOT": str(tmp / "static"),
            "MEDIA_ROOT": str(tmp / "media"),
            "TRUSTED_PROXY_COUNT": "1",
            "LOG_LEVEL": "WARNING",
        }
        python = str(VENV_BIN / "python")
        run([python, "manage.py", "migrate", "--noinput"], log, env=env)
        run([python, "manage.py", "seed_demo"], log, env=env, timeout=600)
        run([python, "manage.py", "collectstatic", "--noinput"], log, env=env)
        print(f"cluster, migrations, demo content, static files: {time.monotonic() - t:.1f} s")

        port = free_port()
        server_log = open(tmp / "gunicorn.log", "ab")  # noqa: SIM115 - closed in finally
        gunicorn = subprocess.Popen(
            [VENV_BIN / "gunicorn", "apes_portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)]
            + ["--timeout", "30", "--graceful-timeout", "5", "--error-logfile", "-"],
            cwd=ROOT,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while request(port, "GET", "/healthz", headers={"Host": "127.0.0.1"})[0] != 200:
            if gunicorn.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start; see " + str(tmp / "gunicorn.log"))
            time.sleep(0.3)
        status = request(port, "GET", args.form_path, headers={"Host": "127.0.0.1"})[0]
        if status != 200:
            raise RuntimeError(f"{args.form_path} answers {status}: no form to submit")

        recorder = Recorder()
        t0 = time.monotonic()
        stop_at = t0 + args.duration
        counter, counter_lock = [0], threading.Lock()
        threads = [
            threading.Thread(
                target=client_loop,
                args=(i, args, port, run_id, recorder, stop_at, counter, counter_lock, t0),
                daemon=True,
            )
            for i in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        time.sleep(args.warmup)
        outage_start = time.monotonic() - t0
        print(f"t={outage_start:5.1f} s  pg_ctl stop -m fast")
        cluster.stop("fast")
        time.sleep(args.outage)
        print(f"t={time.monotonic() - t0:5.1f} s  pg_ctl start")
        cluster.start()
        outage_end = time.monotonic() - t0
        print(f"t={outage_end:5.1f} s  PostgreSQL accepts connections again")
        for thread in threads:
            thread.join(timeout=args.duration + HTTP_TIMEOUT * 3)
        print(f"t={time.monotonic() - t0:5.1f} s  load stopped after {counter[0]} visits")

        found = cluster.query("apes", args.count_sql.format(run=run_id))
        return report(recorder, outage_start, outage_end, found, args)
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)  # its own session: only gunicorn and its workers
                gunicorn.wait(timeout=10)
        if cluster.started:
            with contextlib.suppress(Exception):
                cluster.stop("immediate")
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"logs kept in {tmp}")


if __name__ == "__main__":
    sys.exit(main())
