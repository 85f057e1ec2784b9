"""One truth for every process: the README's production command (gunicorn, 3 workers, no Redis) on PostgreSQL.

A change made anywhere (an admin save, a QuerySet.update() as an import does, a management command in a
process of its own) is served by every worker within the data versions' max age; every worker answers the
same ETag, so revalidations get 304; the rate limit of a public form counts across workers.
The gunicorn tests need PostgreSQL (gunicorn reads the committed test database); on SQLite they are skipped,
in CI (DATABASE_URL on PostgreSQL) they run and fail if gunicorn is missing.
Below them, tests that need no server: the versions' bump semantics, the production cache check, and a
Redis outage.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core import checks
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.test import Client, override_settings
from django.urls import reverse

from core.data import bump_data_version, data_version
from core.models import DataVersion
from directory.models import Organisation
from tests.factories import OrganisationFactory, UserFactory
from tests.formdata import form_values

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
WORKERS = 3
MAX_AGE = 0.5  # DATA_VERSION_MAX_AGE given to the workers: a change shows within it
LIST_URL = reverse("directory:organisation-list")
GEOJSON_URL = reverse("directory:organisation-geojson")
CSV_URL = reverse("directory:organisation-export-csv")
FEED_URLS = (reverse("publications:publication-feed"), reverse("proposals:update-feed"))
ON_POSTGRES = connection.vendor == "postgresql"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port, path, method="GET", body=None, headers=None):
    """(status, headers, body, worker pid), one fresh connection per request so any worker may answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data, response.getheader("X-Worker")
    finally:
        conn.close()


def from_every_worker(port, path, headers=None, each=2):
    """Responses of `path` until every worker has answered `each` times: {pid: [(status, headers, body)]}.

    Requests go out a few at a time: one after the other, the same idle worker tends to accept them all,
    while a worker busy with one request leaves the next to another.
    """
    answers = {}
    with ThreadPoolExecutor(max_workers=WORKERS * 2) as pool:
        for _ in range(100):
            batch = [pool.submit(fetch, port, path, headers=headers) for _ in range(WORKERS * 2)]
            for future in batch:
                status, got, body, pid = future.result()
                answers.setdefault(pid, []).append((status, got, body))
            if len(answers) == WORKERS and all(len(a) >= each for a in answers.values()):
                return answers
    counts = {pid: len(a) for pid, a in answers.items()}
    raise AssertionError(f"not every one of the {WORKERS} workers answered {path} {each} times: {counts}")


def production_env(port):
    settings_dict = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k not in {"TESTING", "REDIS_URL", "DEBUG"}}
    env.update(
        DATABASE_URL=(
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
        ),
        SECRET_KEY="shared-state-test-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        DATA_VERSION_MAX_AGE=str(MAX_AGE),
        AXES_ENABLED="false",
    )
    return env


@pytest.fixture
def workers(transactional_db):
    """gunicorn with the README's 3 workers and no Redis, against the committed test database."""
    if not ON_POSTGRES:
        pytest.skip("gunicorn workers need the test database on PostgreSQL (as in CI)")
    assert GUNICORN.exists(), "gunicorn is in requirements.txt and must be installed"
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM apes_cache")  # a table of its own: flush between tests leaves it
    port = free_port()
    env = production_env(port)
    server = subprocess.Popen(
        [GUNICORN, "tests.site.production_wsgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", str(WORKERS), "--timeout", "60", "--graceful-timeout", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(300):
            if server.poll() is not None:
                raise RuntimeError(server.stderr.read().decode()[-3000:])
            try:
                fetch(port, "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        yield port, env
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture
def actor(transactional_db):
    return OrganisationFactory(name="Recyclerie du Pévèle", slug="recyclerie-du-pevele")


def assert_every_worker_shows(port, name):
    for path in (LIST_URL, GEOJSON_URL, CSV_URL):
        for pid, answers in from_every_worker(port, path).items():
            for status, _, body in answers:
                assert status == 200, (path, pid, status)
                assert name in body.decode(), (path, pid)


def admin_rename(organisation, name):
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:directory_organisation_change", args=[organisation.pk])
    data = form_values(client.get(url).text, "organisation_form")
    data["name"] = name
    assert client.post(url, data).status_code == 302


def update_rename(organisation, name):
    # As an import does: a bulk UPDATE sends no signal, so it bumps the version itself.
    Organisation.objects.filter(pk=organisation.pk).update(name=name)
    bump_data_version("directory")


def command_rename(organisation, name, env):
    code = (
        "from directory.models import Organisation; "
        f"o = Organisation.objects.get(pk={organisation.pk}); o.name = {name!r}; o.save()"
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, timeout=120)


@pytest.mark.parametrize("change", ["admin save", "QuerySet.update", "management command"])
def test_every_worker_serves_a_change_within_the_max_age(workers, actor, change):
    port, env = workers
    assert_every_worker_shows(port, "Recyclerie du Pévèle")  # every worker has cached the old pages
    new_name = f"Ressourcerie du Pévèle ({change})"
    if change == "admin save":
        admin_rename(actor, new_name)
    elif change == "QuerySet.update":
        update_rename(actor, new_name)
    else:
        command_rename(actor, new_name, env)
    time.sleep(MAX_AGE + 0.1)
    assert_every_worker_shows(port, new_name)


def test_every_worker_answers_the_same_etag_and_304(workers, actor):
    port, _ = workers
    for path in (GEOJSON_URL, CSV_URL, *FEED_URLS):
        etags = {got["etag"] for answers in from_every_worker(port, path).values() for _, got, _ in answers}
        assert len(etags) == 1, (path, etags)
        revalidations = from_every_worker(port, path, headers={"If-None-Match": etags.pop()}, each=3)
        statuses = [status for answers in revalidations.values() for status, _, _ in answers]
        assert set(statuses) == {304}, (path, statuses)


def test_the_sixth_correction_report_of_the_hour_is_refused_by_every_worker(workers, actor):
    port, _ = workers
    url = reverse("directory:correction-create", args=[actor.slug])
    status, got, body, _ = fetch(port, url)
    assert status == 200
    cookie = re.search(r"csrftoken=([^;]+)", got["set-cookie"]).group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    headers = {"Cookie": f"csrftoken={cookie}", "Content-Type": "application/x-www-form-urlencoded"}
    form = f"csrfmiddlewaretoken={token}&message=Le+t%C3%A9l%C3%A9phone+a+chang%C3%A9"

    def post():
        status, _, _, pid = fetch(port, url, method="POST", body=form, headers=headers)
        return status, pid

    first_five = [post() for _ in range(5)]
    assert 429 not in [status for status, _ in first_five]
    # With per-worker counters, a worker that saw fewer than five of them would still accept.
    refused_by = {}
    for _ in range(200):
        status, pid = post()
        refused_by.setdefault(pid, []).append(status)
        if len(refused_by) == WORKERS:
            break
    assert len(refused_by) == WORKERS
    assert {status for statuses in refused_by.values() for status in statuses} == {429}


# --- Without a server ------------------------------------------------------------------------------


def test_a_version_written_by_another_process_is_read_from_the_database(db, settings):
    """Another worker's bump is the row in the database: this process sees it once its copy expires."""
    settings.DATA_VERSION_MAX_AGE = 0
    before = data_version("directory")["token"]
    DataVersion.objects.filter(source="directory").update(token="f" * 32)  # as another process would
    assert data_version("directory")["token"] != before


def test_a_change_of_the_territories_gives_the_directory_a_new_version(db):
    """The directory lists themes and communes: renaming a commune must not leave a cached list behind."""
    before = data_version("directory")["token"]
    bump_data_version("territories")
    assert data_version("directory")["token"] != before


def test_a_failed_bump_never_loses_the_write(db, monkeypatch, caplog):
    organisation = OrganisationFactory(name="Épicerie solidaire")

    def refuse(*args, **kwargs):
        raise DatabaseError("lock timeout")

    monkeypatch.setattr(DataVersion.objects, "bulk_create", refuse)
    organisation.name = "Épicerie solidaire de Fives"
    organisation.save()
    assert Organisation.objects.get(pk=organisation.pk).name == "Épicerie solidaire de Fives"
    assert "not bumped" in caplog.text


def production_cache_errors(backend):
    with override_settings(DEBUG=False, TESTING=False, CACHES={"default": {"BACKEND": backend}}):
        return [message.id for message in checks.run_checks(include_deployment_checks=True, tags=["caches"])]


def test_check_deploy_refuses_a_per_process_cache_in_production():
    assert "core.E001" in production_cache_errors("django.core.cache.backends.locmem.LocMemCache")


def test_check_deploy_accepts_the_database_cache():
    assert "core.E001" not in production_cache_errors("django.core.cache.backends.db.DatabaseCache")


def test_production_settings_without_redis_share_the_database_cache(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"TESTING", "REDIS_URL", "DEBUG"}}
    env["SECRET_KEY"] = "x" * 50
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.stdout.strip().splitlines()[-1] == "django.core.cache.backends.db.DatabaseCache"


@pytest.fixture
def redis_down(settings):
    """Redis configured but nothing listening: a closed loopback port."""
    port = free_port()
    config = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
        "local": settings.CACHES["local"],
    }
    with override_settings(CACHES=config):
        yield
    caches["default"].close()


def test_pages_are_served_uncached_when_redis_is_down(redis_down, client, organisation):
    assert organisation.name in client.get(LIST_URL).text
    assert client.get(GEOJSON_URL).status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "degraded", "checks": {"database": "ok", "cache": "degraded"}}


def test_a_correction_report_is_kept_when_redis_is_down(redis_down, client, organisation):
    """The limiter cannot count without its cache: the report goes through (fail open), never a 500."""
    url = reverse("directory:correction-create", args=[organisation.slug])
    response = client.post(url, {"message": "Le numéro de téléphone a changé."})
    assert response.status_code == 302
    assert organisation.correction_requests.get().message == "Le numéro de téléphone a changé."
