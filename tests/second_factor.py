"""Second-factor helpers for tests: a confirmed authenticator for a user, and the code it shows now."""

import re

from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator(user):
    """The user's confirmed TOTP device (the phone app), created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)


def current_code(device):
    """The 6 digits the app shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in_to_admin(page, base_url, username, password):
    """In a browser: the admin login with `username`'s password, then the code of their authenticator (an
    enrolled device is created if need be; the enrolment itself is tested in tests/browser/test_second_factor.py)."""
    device = authenticator(get_user_model()._default_manager.get(username=username))
    page.goto(base_url + reverse("admin:login"))
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name=re.compile("Connexion")).click()
    page.wait_for_load_state("networkidle")
    page.get_by_label(re.compile("^Code de vérification")).fill(current_code(device))
    page.get_by_role("button", name="Vérifier le code").click()
    page.wait_for_load_state("networkidle")
