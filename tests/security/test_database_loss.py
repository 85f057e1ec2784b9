"""When the database goes away, pages answer 503 with a French page at once and /healthz says so;
when it comes back, the same process serves pages again without a restart.

The outage is real (see outage.py): Django opens a connection that the driver cannot establish.
`transaction=True` because a test transaction would hold the connection we take away.
"""

import json

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.test import Client

from tests.security.outage import database_unreachable

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.security.urls_failing")]


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


def test_healthz_answers_200_with_the_database(browser):
    response = browser.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_without_the_database(browser):
    with database_unreachable():
        response = browser.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body == {"status": "unavailable", "checks": {"database": "unavailable", "cache": "ok"}}  # no error text
    assert response["Retry-After"].isdigit()


def test_healthz_refuses_posts(browser):
    assert browser.post("/healthz").status_code == 405


def test_pages_answer_a_french_503_while_the_database_is_away_then_recover(browser):
    assert browser.get("/test/count-users/").status_code == 200
    with database_unreachable():
        with pytest.raises(OperationalError):
            connection.ensure_connection()  # the outage is real
        for url in ["/test/count-users/", "/", "/healthz"]:
            response = browser.get(url)
            assert response.status_code == 503, url
        html = browser.get("/test/count-users/").content.decode()
        assert "Service momentanément indisponible" in html
        assert '<html lang="fr">' in html
        assert "Traceback" not in html and "connection" not in html.lower()
    # The database is back: the same process serves again, no restart.
    response = browser.get("/test/count-users/")
    assert response.status_code == 200
    assert browser.get("/healthz").status_code == 200


def test_pages_without_database_work_during_the_outage(browser):
    """Static pages and the 404 page never touch the database."""
    with database_unreachable():
        assert browser.get("/cette-page-n-existe-pas/").status_code == 404


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_connection_killed_by_the_server_gives_503_then_reconnects(browser):
    """PostgreSQL restarts or an admin kills backends: the open connection dies under Django."""
    import psycopg

    assert browser.get("/test/count-users/").status_code == 200
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    response = browser.get("/test/count-users/")
    assert response.status_code == 503
    assert "Service momentanément indisponible" in response.content.decode()
    # What Django's WSGI handler does at the end of every request (the test client skips it):
    # a connection that raised is discarded, so the next request opens a new one.
    from django.db import close_old_connections

    close_old_connections()
    assert browser.get("/test/count-users/").status_code == 200


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_no_statement_can_hold_a_worker_for_long(settings):
    """DB_STATEMENT_TIMEOUT_MS reaches PostgreSQL: a runaway query is cancelled, not waited for."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"
        cursor.execute("SET statement_timeout = 50")
        try:
            with pytest.raises(OperationalError, match="statement timeout"):
                cursor.execute("SELECT pg_sleep(2)")
        finally:
            cursor.execute("RESET statement_timeout")
