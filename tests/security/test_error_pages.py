"""Error pages are in French, carry the site's look, and never show what went wrong inside."""

import pytest
from django.db import OperationalError
from django.test import Client, override_settings

from tests.security.urls_failing import SECRET_DETAIL

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.urls_failing")]

LEAKS = [SECRET_DETAIL, "Traceback", "RuntimeError", "OperationalError", 'File "', "settings.py", "DEBUG"]


@pytest.fixture
def browser():
    """A visitor whose client returns error responses instead of re-raising the exception."""
    return Client(raise_request_exception=False)


def assert_french_and_silent(response):
    html = response.content.decode()
    assert '<html lang="fr">' in html
    for leak in LEAKS:
        assert leak not in html, leak
    return html


def test_unknown_page_gives_a_french_404(browser):
    response = browser.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    html = assert_french_and_silent(response)
    assert "Page introuvable" in html


def test_a_crash_gives_a_french_500_without_details(browser):
    response = browser.get("/test/crash/")
    assert response.status_code == 500
    html = assert_french_and_silent(response)
    assert "Une erreur s'est produite" in html
    assert 'href="/"' in html  # a way back home


def test_forbidden_gives_a_french_403(browser):
    response = browser.get("/test/forbidden/")
    assert response.status_code == 403
    html = assert_french_and_silent(response)
    assert "Accès refusé" in html


def test_suspicious_request_gives_a_french_400(browser):
    response = browser.get("/test/suspicious/")
    assert response.status_code == 400
    html = assert_french_and_silent(response)
    assert "Requête incorrecte" in html


def test_forged_host_header_gives_a_400_not_a_500(browser):
    """Bots send any Host header: the answer must be the 400 page (base.html would raise again)."""
    response = browser.get("/", HTTP_HOST="pirate.example.com")
    assert response.status_code == 400
    html = assert_french_and_silent(response)
    assert "Requête incorrecte" in html
    assert "pirate.example.com" not in html


def test_form_without_csrf_token_gives_a_french_403(settings):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = client.post(f"/{settings.ADMIN_URL}login/", {"username": "alice", "password": "x"})
    assert response.status_code == 403
    html = assert_french_and_silent(response)
    assert "Formulaire expiré" in html


def test_a_database_error_in_a_view_gives_the_french_503(browser):
    response = browser.get("/test/crash-database/")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    html = assert_french_and_silent(response)
    assert "Service momentanément indisponible" in html


class FailingDatabaseMiddleware:
    """Fails like a middleware that reads the database (sessions, auth) while it is down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/test/middleware-database/":
            raise OperationalError(SECRET_DETAIL)
        return self.get_response(request)


def test_a_database_error_in_middleware_also_gives_the_503(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.security.test_error_pages.FailingDatabaseMiddleware"]
    response = Client(raise_request_exception=False).get("/test/middleware-database/")
    assert response.status_code == 503
    html = assert_french_and_silent(response)
    assert "Service momentanément indisponible" in html


def test_the_500_page_renders_even_when_templates_fail():
    with override_settings(TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": []}]):
        response = Client(raise_request_exception=False).get("/test/crash/")
    assert response.status_code == 500
    html = assert_french_and_silent(response)
    assert "Erreur du serveur" in html
