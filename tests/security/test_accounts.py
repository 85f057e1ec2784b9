"""Staff accounts: brute force on the admin login is locked out, passwords are strong, sessions end."""

import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.second_factor import authenticator, current_code

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "correct horse battery staple"  # the factories' password


def login(client, username, password):
    return client.post(reverse("admin:login"), {"username": username, "password": password, "next": "/"})


def test_the_right_password_still_works_one_failure_before_the_limit(visitor, administrator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(visitor, "alice", "mauvais-mot-de-passe").status_code == 200
    device = authenticator(administrator)
    response = login(visitor, "alice", GOOD_PASSWORD)
    assert response.status_code == 302  # the password is accepted; the second factor comes next
    visitor.post(response.url, {"code": current_code(device)})
    assert visitor.get(reverse("admin:index")).status_code == 200


def test_repeated_failures_lock_the_admin_login(visitor, administrator, settings, caplog):
    caplog.set_level(logging.WARNING, logger="axes")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(visitor, "alice", "mauvais-mot-de-passe")
    # Even the right password is refused now, with a French page.
    response = login(visitor, "alice", GOOD_PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Connexion temporairement bloquée" in html
    assert '<html lang="fr">' in html
    assert visitor.get(reverse("admin:index")).status_code == 302  # still not logged in
    # The attempts are recorded for staff (admin > Axes) and logged.
    attempt = AccessAttempt.objects.get(username="alice")
    assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT
    assert any("locking out" in record.getMessage().lower() for record in caplog.records)


def test_lockout_is_per_account_and_address(visitor, administrator, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(visitor, "alice", "mauvais-mot-de-passe")
    assert login(visitor, "bob", GOOD_PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_dodge_the_lockout(visitor, administrator, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        visitor.post(
            reverse("admin:login"),
            {"username": "alice", "password": "mauvais", "next": "/"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        )
    response = visitor.post(
        reverse("admin:login"),
        {"username": "alice", "password": GOOD_PASSWORD, "next": "/"},
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert response.status_code == 429


@pytest.mark.parametrize(
    "password",
    [
        "Court1!",  # too short (min 12)
        "123456789012345",  # only digits
        "motdepasse",  # short and common
        "password1234",  # common
        "alice-example.org",  # too close to the e-mail address
    ],
)
def test_weak_passwords_are_refused(administrator, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=administrator)


def test_a_long_passphrase_is_accepted(administrator):
    validate_password("Quatre principes pour une économie solidaire", user=administrator)


def test_staff_session_ends_with_the_browser_and_after_the_cookie_age(visitor, administrator, settings):
    response = login(visitor, "alice", GOOD_PASSWORD)
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    # No Expires/Max-Age: the browser drops it when closed...
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    # ...and the server refuses it after SESSION_COOKIE_AGE anyway.
    assert visitor.session.get_expiry_age() == settings.SESSION_COOKIE_AGE <= 12 * 3600


@pytest.mark.parametrize(
    ("url_name", "message"),
    [
        ("admin:login", "Veuillez compléter correctement les champs"),
        ("directory:member-login", "Identifiant, adresse électronique ou mot de passe incorrect"),
    ],
)
def test_an_overlong_username_is_a_wrong_login_on_every_sign_in_page(client, url_name, message):
    """django-axes stores usernames in 255 characters: on PostgreSQL a longer one used to be a 500."""
    response = client.post(reverse(url_name), {"username": "a" * 300, "password": "x"})
    assert response.status_code == 200
    assert message in response.text
