"""Second-factor helpers for tests: a confirmed authenticator for a user, and the code it shows now."""

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator(user):
    """The user's confirmed TOTP device (the phone app), created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)


def current_code(device, steps_ahead=0):
    """The 6 digits the app shows now (or `steps_ahead` periods of 30 s later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token() if not steps_ahead else _later(totp, steps_ahead):0{device.digits}d}"


def _later(totp, steps):
    totp.time = totp.time + steps * totp.step
    return totp.token()
