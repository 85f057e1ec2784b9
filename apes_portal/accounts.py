"""Accounts members run themselves, on Django's own auth views: sign-in by email or username, password
reset and change, and the invitation staff send instead of passing a password on by hand.

Every mail goes through core.notify (the database queue). A reset request answers the same page
whether or not the address has an account, and is rate-limited per client address.

Administrators (and editors, with OTP_REQUIRED_FOR_EDITORS) then pass a second factor with django-otp: a
TOTP code from an authenticator app, enrolled by QR code, or one of the recovery codes shown at enrolment.
The admin site (admin_site.py) sends them here until the session is verified.
"""

import base64
import math
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode
from django.utils.safestring import mark_safe
from django.views import View
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.antispam import HoneypotFormMixin, rate_limited
from core.notify import notify

#: Password-reset requests accepted per client address.
RESET_RATE = "5/h"


class EmailOrUsernameBackend(ModelBackend):
    """Authenticate with the username or, when the text holds an "@", the account's email address.

    An address shared by several accounts signs none of them in by email (the username still works):
    guessing which one was meant would be a way into someone else's account.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and "@" in username:
            matches = list(get_user_model()._default_manager.filter(email__iexact=username.strip())[:2])
            if len(matches) == 1:
                username = matches[0].get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)


def password_link(request, user):
    """The absolute one-time link where `user` chooses a password (reset and invitation alike)."""
    path = reverse(
        "accounts:password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return request.build_absolute_uri(path)


def _link_context(request, user):
    return {
        "user": user,
        "reset_url": password_link(request, user),
        "expiry_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }


def invite(request, user, organisation=None):
    """Mail `user` a link to choose their password; False (nothing sent) when the account has no address."""
    if not user.email or not user.is_active:
        return False
    context = _link_context(request, user) | {"organisation": organisation}
    notify(user.email, "Votre compte sur le portail de l'Apes Hauts-de-France", "mail/invitation.txt", context)
    return True


class QueuedPasswordResetForm(HoneypotFormMixin, PasswordResetForm):
    """Django's reset form, its mail sent through the queue; invited accounts without a password qualify too."""

    def get_users(self, email):
        # An invited member who lost the invitation resets like anyone else (Django skips unusable passwords).
        return get_user_model()._default_manager.filter(email__iexact=email, is_active=True)

    def save(self, request=None, **kwargs):
        for user in self.get_users(self.cleaned_data["email"]):
            notify(
                user.email,
                "Changer votre mot de passe sur le portail de l'Apes",
                "mail/password_reset.txt",
                _link_context(request, user),
            )


@method_decorator(rate_limited("password-reset", RESET_RATE), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password-reset-complete")

    def dispatch(self, *args, **kwargs):
        response = super().dispatch(*args, **kwargs)
        if not self.validlink and response.status_code == 200:
            response.status_code = 400  # expired, reused or tampered with: say so, with a 4xx
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password-change-done")


# --- Second factor (django-otp): TOTP from an authenticator app, static recovery codes ------------------------

#: Recovery codes given at enrolment, each good for one sign-in.
RECOVERY_CODE_COUNT = 10

WRONG_CODE = (
    "Ce code n'est pas valable, ou il a déjà servi. Saisissez le code que votre application affiche maintenant "
    "(un code ne sert qu'une fois : attendez le suivant), ou l'un de vos codes de secours."
)
TOO_MANY_ATTEMPTS = "Trop d'essais manqués : patientez {seconds} secondes avant de saisir un nouveau code."


def second_factor_required(user):
    """Administrators always; other staff (editors) when settings.OTP_REQUIRED_FOR_EDITORS is on."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or settings.OTP_REQUIRED_FOR_EDITORS


def awaits_second_factor(request):
    """True for a staff member who gave a password but not yet the second factor their role needs."""
    user = request.user
    return second_factor_required(user) and not (hasattr(user, "is_verified") and user.is_verified())


def has_authenticator(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def _throttle_message(devices):
    """The French refusal while django-otp's exponential back-off holds any of the user's devices, else None."""
    now = timezone.now()
    waits = [
        math.ceil((data["locked_until"] - now).total_seconds())
        for allowed, data in (device.verify_is_allowed() for device in devices)
        if not allowed and data and data.get("locked_until")
    ]
    return TOO_MANY_ATTEMPTS.format(seconds=max(max(waits), 1)) if waits else None


class OneTimeCodeInput(forms.TextInput):
    """The code input, empty again after a refusal: a wrong or used code is typed anew, not corrected."""

    def format_value(self, value):
        return None


class SecondFactorForm(forms.Form):
    """A code from the authenticator app or a recovery code; `device` is the one that matched."""

    code = forms.CharField(
        label="Code de vérification",
        help_text="Les 6 chiffres de votre application d'authentification, ou un code de secours.",
        max_length=16,
        # A recovery code has letters: no numeric keyboard (inputmode), no spelling marks on the code.
        widget=OneTimeCodeInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false", "autofocus": True}
        ),
    )

    def __init__(self, user, *args, devices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.devices = devices
        self.device = None

    def candidate_devices(self):
        if self.devices is not None:
            return self.devices
        confirmed = TOTPDevice.objects.devices_for_user(self.user, confirmed=True)
        recovery = StaticDevice.objects.devices_for_user(self.user, confirmed=True)
        return [*confirmed, *recovery]

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).lower()
        devices = self.candidate_devices()
        if message := _throttle_message(devices):
            raise forms.ValidationError(message)
        # TOTPDevice refuses a code already used (its last_t); a recovery code is deleted once used.
        self.device = next((device for device in devices if device.verify_token(code)), None)
        if self.device is None:
            raise forms.ValidationError(WRONG_CODE)
        return code


def safe_next(request):
    """The page the request's `next` names (POST, then GET) when it stays on this site, else the admin index.

    Django's own check, with the hosts RedirectURLMixin.get_success_url_allowed_hosts allows (this one).
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("admin:index")


def redirect_with_next(url_name, request):
    """A redirect to the page `url_name` names, passing the request's safe `next` on."""
    return redirect(reverse(url_name) + "?" + urlencode({"next": safe_next(request)}))


def _second_factor_context(request, site, **extra):
    return {**site.each_context(request), "next": safe_next(request), **extra}


@method_decorator(never_cache, name="dispatch")
class SecondFactorView(View):
    """After the password: the code that proves the administrator holds their phone (or a recovery code)."""

    template_name = "admin/second_factor.html"
    site = None  # the admin site, given by ApesAdminSite.get_urls

    def dispatch(self, request, *args, **kwargs):
        if not awaits_second_factor(request):
            return redirect_with_next("admin:login", request)
        if not has_authenticator(request.user):
            return redirect_with_next("admin:second-factor-enrol", request)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(SecondFactorForm(request.user))

    def post(self, request):
        form = SecondFactorForm(request.user, request.POST)
        if not form.is_valid():
            return self.render(form)  # a wrong, replayed or throttled code: the form again, with the reason
        otp_login(request, form.device)
        return redirect(safe_next(request))

    def render(self, form):
        context = _second_factor_context(self.request, self.site, form=form, title="Double authentification")
        return TemplateResponse(self.request, self.template_name, context)


@method_decorator(never_cache, name="dispatch")
class SecondFactorEnrolView(View):
    """First sign-in of an administrator: scan the QR code (or type the secret), confirm with a code, and
    receive the recovery codes, shown on this page only. Once a device is confirmed, the page is closed: a
    stolen password must not be enough to enrol another phone."""

    template_name = "admin/second_factor_enrol.html"
    site = None

    def dispatch(self, request, *args, **kwargs):
        if not awaits_second_factor(request):
            return redirect_with_next("admin:login", request)
        if has_authenticator(request.user):
            return redirect_with_next("admin:second-factor", request)
        self.device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if self.device is None:
            self.device = TOTPDevice.objects.create(
                user=request.user, name="Application d'authentification", confirmed=False
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(SecondFactorForm(request.user, devices=[self.device]))

    def post(self, request):
        form = SecondFactorForm(request.user, request.POST, devices=[self.device])
        if not form.is_valid():
            return self.render(form)
        self.device.confirmed = True
        self.device.save(update_fields=["confirmed"])
        codes = self.new_recovery_codes(request.user)
        otp_login(request, self.device)
        context = _second_factor_context(request, self.site, title="Vos codes de secours", recovery_codes=codes)
        return TemplateResponse(request, "admin/second_factor_recovery_codes.html", context)

    @staticmethod
    def new_recovery_codes(user):
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name="Codes de secours")
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        return codes

    def render(self, form):
        secret = base64.b32encode(self.device.bin_key).decode()
        context = _second_factor_context(
            self.request,
            self.site,
            form=form,
            title="Activer la double authentification",
            # segno draws the QR code as SVG paths (no script, no style attribute: the CSP holds).
            qr_code=mark_safe(segno.make(self.device.config_url).svg_inline(scale=4, title="QR code à scanner")),
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        )
        return TemplateResponse(self.request, self.template_name, context)
