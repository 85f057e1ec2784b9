"""Bounded load from loopback: Debian's `wrk` when installed, else a standard-library client.

Both return the same figures: requests, seconds, errors (by kind), latency percentiles in ms.
Every run is bounded by its duration (and the Python client also by a request count), and the
client never follows redirects (a 3xx other than the expected status is an error).

Why wrk first: on a 2-core machine the client shares the CPU with the server. wrk (C, one thread,
epoll) costs a few microseconds per request; a Python client costs ~100 us per request, which caps
the trivial view's measured throughput and flatters every ratio to it. The Python client is kept
for machines without wrk (`--driver python`) and reports the same columns.
"""

import http.client
import json
import shutil
import subprocess
import threading
import time
from pathlib import Path

LUA = Path(__file__).resolve().parent / "wrk_report.lua"


def percentile(sorted_values, fraction):
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def wrk_available():
    return shutil.which("wrk") is not None


def rotated(paths, index):
    """The `index`-th path of a rotation (see wrk_report.lua): `_pass=N` appended on the N-th wrap."""
    path, passes = paths[index % len(paths)], index // len(paths)
    return f"{path}{'&' if '?' in path else '?'}_pass={passes}" if passes else path


def run_wrk(port, path, headers, seconds, connections, expect, rotation=None):
    """Drive `path` with wrk for `seconds` over `connections` connections (one wrk thread).

    `rotation` (file of paths, start index): each request takes the next path of the file instead.
    """
    seconds = max(1, round(seconds))  # wrk takes whole seconds
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA)]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    cmd += [f"http://127.0.0.1:{port}{path}", "--", str(expect)]
    if rotation:
        cmd += [str(rotation[0]), str(rotation[1])]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("WRK-JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no report (code {proc.returncode}): {proc.stdout[-500:]} {proc.stderr[-500:]}")
    data = json.loads(line.removeprefix("WRK-JSON "))
    latency = data["latency_us"]
    # "status": 4xx/5xx as wrk counts them; "unexpected": any status but the expected one (Lua hook),
    # so a 200 where a 304 was expected counts. A 4xx/5xx is in both: keep the larger.
    errors = {k: v for k, v in data["errors"].items() if v and k not in {"status", "unexpected"}}
    wrong = max(data["errors"]["status"], data["errors"]["unexpected"])
    if wrong:
        errors["unexpected status"] = wrong
    return {
        "requests": data["requests"],
        "seconds": data["duration_us"] / 1e6,
        "errors": errors,
        "p50": latency["p50"] / 1000,
        "p95": latency["p95"] / 1000,
        "p99": latency["p99"] / 1000,
        "driver": "wrk",
    }


def run_python(port, path, headers, seconds, connections, expect, rotation=None, max_requests=200_000):
    """The same measurement with threads and http.client (keep-alive when the server allows it)."""
    deadline = time.monotonic() + seconds
    latencies, errors, lock = [], {}, threading.Lock()
    budget = [max_requests]
    paths = Path(rotation[0]).read_text().split() if rotation else None
    cursor = [rotation[1] if rotation else 0]

    def worker():
        conn, mine, my_errors = None, [], {}
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
                target = rotated(paths, cursor[0]) if paths else path
                cursor[0] += 1
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                started = time.perf_counter()
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
                response.read()
                mine.append(time.perf_counter() - started)
                if response.status != expect:
                    my_errors[f"status {response.status}"] = my_errors.get(f"status {response.status}", 0) + 1
                if response.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as error:
                kind = type(error).__name__
                my_errors[kind] = my_errors.get(kind, 0) + 1
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()
        with lock:
            latencies.extend(mine)
            for key, value in my_errors.items():
                errors[key] = errors.get(key, 0) + value

    started = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "errors": errors,
        "p50": percentile(latencies, 0.50) * 1000,
        "p95": percentile(latencies, 0.95) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "driver": "python",
    }


def drive(driver, port, path, headers, seconds, connections, expect, rotation=None):
    runner = run_wrk if driver == "wrk" else run_python
    result = runner(port, path, headers, seconds, connections, expect, rotation)
    result["rps"] = result["requests"] / result["seconds"] if result["seconds"] else 0.0
    return result


def combine(slices):
    """One figure for several slices of the same endpoint: totals, median percentiles, and the spread."""

    def median(values):
        values = sorted(values)
        return values[len(values) // 2]

    errors = {}
    for run in slices:
        for key, value in run["errors"].items():
            errors[key] = errors.get(key, 0) + value
    requests = sum(run["requests"] for run in slices)
    seconds = sum(run["seconds"] for run in slices)
    return {
        "requests": requests,
        "seconds": seconds,
        "rps": requests / seconds if seconds else 0.0,
        "errors": errors,
        "p50": median([run["p50"] for run in slices]),
        "p95": median([run["p95"] for run in slices]),
        "p99": median([run["p99"] for run in slices]),
        "driver": slices[0]["driver"],
        "slices_rps": [round(run["rps"]) for run in slices],
        "ratio": 1.0,
    }
