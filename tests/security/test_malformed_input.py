"""Input no page can use is refused with the French 400 page before it reaches a view or the database."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.urls_failing")]


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


def assert_french_400(response):
    assert response.status_code == 400
    html = response.content.decode()
    assert "Requête incorrecte" in html and '<html lang="fr">' in html


@pytest.mark.parametrize("query", [{"commune": "\x00"}, {"q": "Lille\x00"}, {"x\x00": "1"}])
def test_nul_bytes_in_the_query_string_are_refused(browser, query):
    """PostgreSQL cannot store or compare NUL: a filter such as ?commune= would raise a 500."""
    assert_french_400(browser.get("/test/count-users/", query))


def test_nul_bytes_on_a_real_page_are_refused(browser):
    assert_french_400(browser.get("/", {"commune": "\x00"}))


def test_nul_bytes_in_form_data_are_refused(browser):
    assert_french_400(browser.post("/test/count-users/", {"full_name": "Camille\x00"}))


def test_nul_bytes_in_the_path_are_refused(browser):
    assert_french_400(browser.get("/annuaire/abc%00def/"))


def test_numbers_too_large_for_the_driver_give_a_400(browser):
    assert_french_400(browser.get("/test/huge-number/"))


def test_ordinary_requests_pass(browser):
    response = browser.get("/test/count-users/", {"q": "économie solidaire", "page": "2"})
    assert response.status_code == 200
    assert browser.post("/test/count-users/", {"full_name": "Camille"}).status_code == 200
