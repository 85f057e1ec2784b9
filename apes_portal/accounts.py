"""Accounts members run themselves, on Django's own auth views: sign-in by email or username, password
reset and change, and the invitation staff send instead of passing a password on by hand.

Every mail goes through core.notify (the database queue). A reset request answers the same page
whether or not the address has an account, and is rate-limited per client address.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

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
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def dispatch(self, *args, **kwargs):
        response = super().dispatch(*args, **kwargs)
        if not self.validlink and response.status_code == 200:
            response.status_code = 400  # expired, reused or tampered with: say so, with a 4xx
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("accounts:password-change-done")
