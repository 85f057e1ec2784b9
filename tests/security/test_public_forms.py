"""Every public form (found by crawling the public pages) has a CSRF token, a honeypot and a per-IP
rate limit; every login form is behind the brute-force lockout."""

import pytest
from django.test import Client

from core.antispam import HONEYPOT_FIELD
from tests.security.test_fuzz import public_post_forms

pytestmark = pytest.mark.django_db

# Highest limit used by a public form ("30/h"); the loop below gives up after this many more.
MAX_EXPECTED_LIMIT = 30


def is_login_form(form):
    return {"username", "password"} <= set(form["fields"])


@pytest.fixture
def forms(visitor, populated_site):
    found = public_post_forms(visitor)
    assert found, "the crawl found no public POST form: the membership, correction and commitment forms exist"
    return found


def test_every_public_form_carries_a_csrf_token(forms):
    assert {action for action, form in forms.items() if "csrfmiddlewaretoken" not in form["fields"]} == set()


def test_every_public_submission_form_has_the_honeypot(forms):
    missing = {
        action for action, form in forms.items() if not is_login_form(form) and HONEYPOT_FIELD not in form["fields"]
    }
    assert missing == set()


def test_a_post_without_csrf_token_is_refused_everywhere(forms):
    client = Client(enforce_csrf_checks=True)
    for action in forms:
        response = client.post(action, {"email": "a@example.org"})
        assert response.status_code == 403, action
        assert "Formulaire expiré" in response.content.decode(), action


def test_every_public_submission_form_is_rate_limited_per_address(forms):
    for action, form in forms.items():
        if is_login_form(form):
            continue  # protected by django-axes instead (test_accounts.py)
        client = Client(REMOTE_ADDR="198.51.100.23")
        statuses = [client.post(action, {}).status_code for _ in range(MAX_EXPECTED_LIMIT + 1)]
        assert 429 in statuses, f"{action} never answered 429"
        limited = client.post(action, {})
        assert limited.status_code == 429
        assert "Trop de demandes" in limited.content.decode()
        # Another visitor is not affected.
        assert Client(REMOTE_ADDR="198.51.100.99").post(action, {}).status_code != 429, action


def test_every_login_form_locks_out_after_repeated_failures(forms, administrator, settings):
    logins = [action for action, form in forms.items() if is_login_form(form)]
    for action in logins:
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(action, {"username": "alice", "password": "mauvais-mot-de-passe"})
        response = client.post(action, {"username": "alice", "password": "correct horse battery staple"})
        assert response.status_code == 429, action
        assert "Connexion temporairement bloquée" in response.content.decode()
        from axes.utils import reset

        reset(username="alice")
