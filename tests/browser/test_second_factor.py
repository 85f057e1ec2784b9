"""An administrator signs in with a second factor, in Chromium at a phone and a desktop size, axe-checked:
the first time they enrol an authenticator app from the QR code page and keep their recovery codes; the next
time a mistyped code is refused in French, and a recovery code opens the admin instead of the phone."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.a11y import assert_no_violations
from tests.factories import UserFactory
from tests.second_factor import current_code

pytest_plugins = ["tests.browser.a11y"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("axe_summary"),
]

PASSWORD = "correct horse battery staple"


def open_page(page, live_server, path):
    page.goto(live_server.url + path)
    page.wait_for_load_state("networkidle")


def sign_in_with_password(page, live_server):
    open_page(page, live_server, reverse("admin:login"))
    page.get_by_label("Nom d’utilisateur").fill("direction")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Connexion")).click()
    page.wait_for_load_state("networkidle")


def give_code(page, code, button):
    page.get_by_label(re.compile("^Code de vérification")).fill(code)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state("networkidle")


def test_an_administrator_enrols_then_signs_in_with_a_second_factor(page, live_server, viewport, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the journey retries at once after a typo; throttling has its own test
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    user = UserFactory(username="direction", password=PASSWORD, is_staff=True, is_superuser=True)

    # First sign-in: the password leads to the enrolment page, with the QR code and the key in text.
    sign_in_with_password(page, live_server)
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
    expect(page.locator(".second-factor-qr svg")).to_be_visible()
    secret = page.locator(".second-factor-secret").inner_text().replace(" ", "")
    assert len(secret) == 32
    assert_no_violations(page)
    device = TOTPDevice.objects.get(user=user, confirmed=False)  # what the phone app now holds
    give_code(page, current_code(device), "Activer")

    # The recovery codes, shown this once, then the admin.
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_no_violations(page)
    page.get_by_role("link", name="Continuer vers l'administration").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()

    # Next sign-in, without the phone: a typo is refused in French, a recovery code works.
    page.context.clear_cookies()
    sign_in_with_password(page, live_server)
    expect(page.get_by_role("heading", level=1)).to_have_text("Double authentification")
    assert_no_violations(page)
    give_code(page, "zzzz9999", "Vérifier le code")
    expect(page.get_by_role("alert")).to_contain_text("Ce code n'est pas valable")
    expect(page.get_by_label(re.compile("^Code de vérification"))).to_have_attribute("aria-invalid", "true")
    assert_no_violations(page)
    give_code(page, codes[0], "Vérifier le code")
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    assert_no_violations(page)
