"""Scale-out proof: two gunicorn instances sharing one Redis (REDIS_URL) and one database serve the same site.

Called by `bench/run.py --scale-out` once the database is seeded. Checks, each PASS or FAIL:
- django-ratelimit's system check accepts the shared cache (no E003 once REDIS_URL is set);
- both instances serve identical pages (CSRF tokens masked);
- a change saved by a third process (the ORM, as the admin would on any server) is visible on both,
  and the GeoJSON ETag is the same on both before and after, and changes on save (shared invalidation);
- a rate-limit counter is shared: with COMMITMENT_RATE=3/h, POSTs alternating between the two
  instances are refused at the 4th (control: without Redis, one worker each, they are not);
- a staff session opened on one instance is valid on the other (sessions in the database);
- the cache really lives in Redis (keys counted there).
Everything started here is stopped here; the organisation and the user it changes are restored.
"""

import hashlib
import json
import re
import secrets
import subprocess
from contextlib import ExitStack
from urllib.parse import urlencode

from bench import stack
from bench.stack import Gunicorn, RedisServer, fetch

# A public form protected by `core.antispam.rate_limited`, and the setting of its rate.
RATE_LIMITED_FORM = "/municipales-2026/s-engager/"
RATE_SETTING = "COMMITMENT_RATE"
RATE_LIMIT = 3
PAGES = ["/", "/annuaire/", "/annuaire/?departement=59", "/carte/", "/territoires/", "/municipales-2026/", "/carnets/"]
GEOJSON = "/api/organisations.geojson"
_CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+')


def shell(env, code, log):
    """Run Python in `manage.py shell` (a process of its own, like an admin edit on a third server)."""
    proc = subprocess.run(
        [stack.PYTHON, "manage.py", "shell", "-c", code],
        cwd=stack.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    with open(log, "a") as out:
        out.write(proc.stdout + proc.stderr)
    if proc.returncode:
        raise RuntimeError(f"manage.py shell failed: {proc.stderr[-2000:]}")
    return proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""


def cookies(headers):
    jar = {}
    for line in headers.get("set-cookie", "").split("\n"):
        if "=" in line:
            name, value = line.split(";", 1)[0].split("=", 1)
            jar[name.strip()] = value.strip()
    return jar


def csrf(port):
    """A CSRF cookie and form token (the admin login page always sets one)."""
    _, headers, body, _ = fetch(port, "/admin/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    return cookies(headers).get("csrftoken", ""), token.group(1).decode() if token else ""


def post(port, path, fields, jar):
    body = urlencode(fields)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
    }
    return fetch(port, path, method="POST", body=body, headers=headers)


def alternate_posts(ports, count):
    """POST the rate-limited form `count` times, alternating instances; return the statuses."""
    cookie, token = csrf(ports[0])
    statuses = []
    for n in range(count):
        status, _, _, _ = post(ports[n % 2], RATE_LIMITED_FORM, {"csrfmiddlewaretoken": token}, {"csrftoken": cookie})
        statuses.append(status)
    return statuses


def check(checks, name, ok, detail):
    checks.append({"check": name, "ok": bool(ok), "detail": detail})
    print(f"    [{'PASS' if ok else 'FAIL'}] {name}: {detail}", flush=True)


def prove(base_env, values, logs):
    checks = []
    log = logs / "scale-out.log"
    with ExitStack() as cleanup:
        redis = cleanup.enter_context(RedisServer(log=logs / "redis-scale-out.log"))
        env = {**base_env, "REDIS_URL": redis.url, RATE_SETTING: f"{RATE_LIMIT}/h"}
        proc = subprocess.run(
            [stack.PYTHON, "manage.py", "check"], cwd=stack.ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        check(
            checks,
            "system checks accept the shared cache",
            proc.returncode == 0 and "E003" not in proc.stderr,
            "`manage.py check` with REDIS_URL: " + (proc.stdout.strip().splitlines() or ["?"])[-1],
        )
        ports = [stack.free_port(), stack.free_port()]
        for n, port in enumerate(ports):
            cleanup.enter_context(Gunicorn(port, env, workers=2, log=logs / f"gunicorn-{'ab'[n]}.log"))
        setup = (
            f"Redis {redis.url} (`redis-server` on loopback, no persistence); instance A on port {ports[0]}, "
            f"instance B on port {ports[1]}, 2 sync workers each, same DATABASE_URL and SECRET_KEY."
        )
        print(f"    {setup}", flush=True)

        # 1. Same pages on both.
        differing, statuses = [], []
        for path in PAGES:
            bodies = []
            for port in ports:
                # One Host for both, as behind a load balancer (pages print absolute URLs: og:url).
                status, _, body, _ = fetch(port, path, headers={"Host": "127.0.0.1"})
                statuses.append(status)
                bodies.append(hashlib.sha256(_CSRF.sub(rb"\1-", body)).hexdigest())
            if bodies[0] != bodies[1]:
                differing.append(path)
        check(
            checks,
            "both instances serve the same pages",
            not differing and set(statuses) == {200},
            f"{len(PAGES)} pages, statuses {sorted(set(statuses))}"
            + (f"; differ: {differing}" if differing else "; identical bodies"),
        )

        # 2. A change through the ORM, seen on both; GeoJSON ETag shared and invalidated.
        def etags():
            return [fetch(port, GEOJSON)[1].get("etag", "") for port in ports]

        before = etags()
        keys = redis.command("DBSIZE")
        check(checks, "the cache lives in Redis", keys > 0, f"{keys} keys in Redis once the map data was served")
        slug = values["organisation"]
        marker = f"Banc {secrets.token_hex(3)}"
        old_name = shell(
            env,
            (
                "from directory.models import Organisation\n"
                f"o = Organisation.objects.get(slug={slug!r}); old = o.name\n"
                f"o.name = old + ' ({marker})'; o.save()\n"
                "print(old)"
            ),
            log,
        )
        after = etags()
        seen = [marker.encode() in fetch(port, f"/annuaire/{slug}/")[2] for port in ports]
        listed = [marker.encode() in fetch(port, f"/annuaire/?q={marker.split()[1]}")[2] for port in ports]
        check(
            checks,
            "a change saved elsewhere is visible on both",
            all(seen) and all(listed),
            f"organisation `{slug}` renamed by a third process; detail page shows it on A/B: {seen}; "
            f"search finds it on A/B: {listed}",
        )
        check(
            checks,
            "GeoJSON ETag identical on both, changed by the save",
            before[0] == before[1] and after[0] == after[1] and before[0] != after[0] and all(before + after),
            f"before A {before[0]} B {before[1]}; after A {after[0]} B {after[1]}",
        )
        revalidate = [fetch(port, GEOJSON, headers={"If-None-Match": after[0]})[0] for port in ports]
        stale = [fetch(port, GEOJSON, headers={"If-None-Match": before[0]})[0] for port in ports]
        check(
            checks,
            "revalidation agrees on both",
            revalidate == [304, 304] and stale == [200, 200],
            f"new ETag → {revalidate}, old ETag → {stale}",
        )
        shell(
            env,
            (
                "from directory.models import Organisation\n"
                f"o = Organisation.objects.get(slug={slug!r}); o.name = {json.dumps(old_name)}; o.save()\n"
                "print('restored')"
            ),
            log,
        )

        # 3. Rate-limit counter shared.
        if fetch(ports[0], RATE_LIMITED_FORM)[0] == 404:
            check(checks, "rate-limit counter shared", False, f"{RATE_LIMITED_FORM} is missing (404)")
        else:
            redis.command("FLUSHDB")
            statuses = alternate_posts(ports, RATE_LIMIT + 1)
            check(
                checks,
                "rate-limit counter shared",
                statuses[-1] == 429 and 429 not in statuses[:-1],
                f"{RATE_SETTING}={RATE_LIMIT}/h, POSTs alternating A, B, A, B: {statuses}",
            )

        # 4. A staff session opened on A is valid on B.
        username, password = f"bench-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
        shell(
            env,
            (
                "from django.contrib.auth import get_user_model\n"
                f"get_user_model().objects.create_superuser({username!r}, 'bench@example.org', {password!r})\n"
                "print('ok')"
            ),
            log,
        )
        try:
            cookie, token = csrf(ports[0])
            status, headers, _, _ = post(
                ports[0],
                "/admin/login/?next=/admin/",
                {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"},
                {"csrftoken": cookie},
            )
            session = cookies(headers).get("sessionid", "")
            on_b = fetch(ports[1], "/admin/", headers={"Cookie": f"sessionid={session}"})[0] if session else None
            check(
                checks,
                "a staff session opened on A is valid on B",
                status == 302 and on_b == 200,
                f"login on A → {status}, session cookie {'set' if session else 'missing'}; /admin/ on B → {on_b}",
            )
        finally:
            shell(
                env,
                (
                    "from django.contrib.auth import get_user_model\n"
                    f"get_user_model().objects.filter(username={username!r}).delete()\n"
                    "print('ok')"
                ),
                log,
            )

    # Control: the same rate-limit sequence without Redis, one worker per instance.
    if any(c["check"] == "rate-limit counter shared" and c["ok"] for c in checks):
        control_env = {k: v for k, v in base_env.items() if k != "REDIS_URL"}
        control_env[RATE_SETTING] = f"{RATE_LIMIT}/h"
        with ExitStack() as cleanup:
            ports = [stack.free_port(), stack.free_port()]
            for n, port in enumerate(ports):
                cleanup.enter_context(Gunicorn(port, control_env, workers=1, log=logs / f"gunicorn-control-{n}.log"))
            statuses = alternate_posts(ports, RATE_LIMIT + 1)
        check(
            checks,
            "control: without Redis the counters are per process",
            429 not in statuses,
            f"same sequence, local-memory cache: {statuses} (the check above can fail)",
        )
    return {"setup": setup, "checks": checks}
