"""Protections shared by every public form: a honeypot field and per-IP rate limits.

Rate limits use django-ratelimit on the default cache. With `REDIS_URL` set the counters are
shared by all app servers; without it they live in each process's local memory, which is
enough for a single-server install (see the README, "Rate limits").
"""

from functools import wraps

from django import forms
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

HONEYPOT_FIELD = "site_web_confirmation"


class HoneypotFormMixin(forms.Form):
    """Adds a field that people never see (hidden by CSS, skipped by keyboard) but bots fill in."""

    site_web_confirmation = forms.CharField(
        required=False,
        label="Ne remplissez pas ce champ",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off", "class": "hp-field"}),
    )

    def clean_site_web_confirmation(self):
        if self.cleaned_data.get(HONEYPOT_FIELD):
            raise forms.ValidationError("Votre envoi n'a pas pu être accepté.")
        return ""


def rate_limited(group, rate):
    """Refuse POSTs over `rate` (e.g. "5/h") per client IP with a French 429 page.

    Only POSTs count, so reading the form is never limited. The form data is not lost: the
    page tells the person to come back later and the browser keeps the filled form on "back".
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST" and is_ratelimited(
                request, group=group, key="ip", rate=rate, method="POST", increment=True
            ):
                return render(request, "429.html", {"rate": rate}, status=429)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
