"""Processes the benchmark starts and always stops: PostgreSQL, gunicorn, Redis; and a tiny HTTP client.

Everything listens on 127.0.0.1 only, on free ports, in temporary directories. Every wait is
bounded in time. Each class is a context manager so an exception (or Ctrl-C) still stops what
it started, by its own process id, and removes its temporary directory.
"""

import http.client
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port():
    """A TCP port nobody listens on right now (the kernel picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(cmd, env=None, log=None, timeout=900, check=True):
    """Run `cmd` to completion, its output appended to `log` (a path), and return the elapsed seconds."""
    started = time.monotonic()
    with open(log or os.devnull, "ab") as out:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout)
    if check and proc.returncode:
        tail = Path(log).read_text(errors="replace")[-3000:] if log else ""
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed with code {proc.returncode}\n{tail}")
    return time.monotonic() - started


def _as_postgres(cmd):
    """PostgreSQL refuses to run as root: drop to the `postgres` user when we are root."""
    return ["runuser", "-u", "postgres", "--", *map(str, cmd)] if os.geteuid() == 0 else list(map(str, cmd))


class PostgresCluster:
    """A throwaway PostgreSQL cluster (initdb into a temp dir, fsync off), as .ci/run does."""

    def __init__(self, dbname="apes_bench", log=None):
        self.dbname = dbname
        self.log = log
        self.port = free_port()
        self.root = None

    def __enter__(self):
        self.root = Path(tempfile.mkdtemp(prefix="apes-bench-pg."))
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        data = self.root / "data"
        run(
            _as_postgres(
                [PG_BIN / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8"]
            ),
            log=self.log,
            timeout=120,
        )
        options = (
            f"-c fsync=off -c full_page_writes=off -c synchronous_commit=off -p {self.port} "
            f"-k {self.root} -c listen_addresses=127.0.0.1"
        )
        run(
            _as_postgres(
                [PG_BIN / "pg_ctl", "-D", data, "-l", self.root / "log", "-w", "-t", "60", "-o", options, "start"]
            ),
            log=self.log,
            timeout=90,
        )
        run(
            _as_postgres([PG_BIN / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", self.dbname]),
            log=self.log,
            timeout=60,
        )
        return self

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.dbname}"

    def __exit__(self, *exc):
        if self.root is None:
            return
        run(
            _as_postgres([PG_BIN / "pg_ctl", "-D", self.root / "data", "-m", "fast", "-w", "-t", "30", "stop"]),
            log=self.log,
            timeout=60,
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None


class Server:
    """A long-running child process in its own process group, stopped by its own id on exit."""

    name = "server"

    def __init__(self, cmd, env=None, log=None):
        self.cmd = [str(c) for c in cmd]
        self.env = env
        self.log = log
        self.proc = None

    def __enter__(self):
        out = open(self.log or os.devnull, "ab")  # noqa: SIM115 - closed in __exit__
        self._out = out
        self.proc = subprocess.Popen(
            self.cmd, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        return self

    def __exit__(self, *exc):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                # The group holds only this server and the workers it forked.
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._out.close()
        self.proc = None

    def check_alive(self):
        if self.proc.poll() is not None:
            tail = Path(self.log).read_text(errors="replace")[-3000:] if self.log else ""
            raise RuntimeError(f"{self.name} exited with code {self.proc.returncode}\n{tail}")


class Gunicorn(Server):
    """gunicorn as in production (DEBUG off), bound to 127.0.0.1:<port>."""

    name = "gunicorn"

    def __init__(self, port, env, workers=2, worker_class="sync", threads=1, log=None, app="apes_portal.wsgi"):
        self.port = port
        cmd = [
            VENV_BIN / "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            workers,
            "--worker-class",
            worker_class,
            "--threads",
            threads,
            "--timeout",
            30,
            "--graceful-timeout",
            5,
            "--error-logfile",
            "-",
        ]
        super().__init__(cmd, env=env, log=log)

    def __enter__(self):
        super().__enter__()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                status, _, _, _ = fetch(self.port, "/_bench/trivial/", timeout=2)
                if status == 200:
                    return self
                raise RuntimeError(
                    f"/_bench/trivial/ answered {status}: is BENCH_TRIVIAL_VIEW=true reaching apes_portal/urls.py?"
                )
            except OSError:
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def worker_peak_rss(self):
        """{worker pid: VmHWM in bytes} of the workers gunicorn forked (its children, from /proc)."""
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        peaks = {}
        for pid in children:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue  # a worker that exited meanwhile
            line = next((ln for ln in status.splitlines() if ln.startswith("VmHWM:")), None)
            if line:
                peaks[int(pid)] = int(line.split()[1]) * 1024  # kB
        return peaks


class RedisServer(Server):
    """Debian's redis-server on loopback, no persistence, in a temporary directory."""

    name = "redis-server"

    def __init__(self, log=None):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="apes-bench-redis."))
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is missing: apt-get install -y redis-server")
        cmd = [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            self.port,
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            self.dir,
            "--protected-mode",
            "yes",
        ]
        super().__init__(cmd, log=log)

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def __enter__(self):
        super().__enter__()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                if self.command("PING") == "PONG":
                    return self
            except OSError:
                time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError("redis-server did not answer within 20 s")

    def __exit__(self, *exc):
        super().__exit__(*exc)
        shutil.rmtree(self.dir, ignore_errors=True)

    def command(self, *args):
        """Send one command in the RESP protocol; return a simple reply (string or integer)."""
        payload = f"*{len(args)}\r\n" + "".join(f"${len(str(a).encode())}\r\n{a}\r\n" for a in args)
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
            sock.sendall(payload.encode())
            reply = sock.recv(65536).decode(errors="replace")
        kind, rest = reply[0], reply[1:].split("\r\n", 1)[0]
        if kind == ":":
            return int(rest)
        if kind == "-":
            raise RuntimeError(f"redis: {rest}")
        return rest


def fetch(port, path, headers=None, method="GET", body=None, timeout=30):
    """One HTTP request to 127.0.0.1:<port>; returns (status, headers, body, seconds)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - started
        merged = {}
        for key, value in response.getheaders():  # repeated headers (Set-Cookie) joined by newlines
            merged[key.lower()] = f"{merged[key.lower()]}\n{value}" if key.lower() in merged else value
        return response.status, merged, data, elapsed
    finally:
        conn.close()
