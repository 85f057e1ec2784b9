"""Email alerts on the follow-up: subscribe (double opt-in), confirm by a signed link, unsubscribe in one click.

No page ever tells whether an address is subscribed: the form answers the same "check your mailbox"
whatever the address, and unsubscribe links are checked by their signature only.
"""

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from core.antispam import rate_limited
from proposals.forms import AlertSubscriptionForm
from proposals.mails import send_alert_confirmation
from proposals.models import ALERT_CONFIRMATION_MAX_AGE, ALERT_RATE, AlertSubscription
from proposals.views.campaign import get_current_campaign


def preselection(form, query):
    """`?epci=<SIREN>` and `?mesure=<slug>` preselect the form (links from EPCI and measure pages).

    Returns (initial, errors): an unknown territory or measure is a French message and a 400.
    """
    initial, errors = {}, []
    for name in ("epci", "mesure"):
        value = query.get(name, "")
        if not value:
            continue
        try:
            initial[name] = form.fields[name].clean(value)
        except ValidationError as error:
            errors.extend(error.messages)
    return initial, errors


@require_http_methods(["GET", "POST"])
@rate_limited("proposals-alert", ALERT_RATE)
def alert_subscribe(request):
    campaign = get_current_campaign()
    errors = []
    if request.method == "POST":
        form = AlertSubscriptionForm(request.POST, campaign=campaign)
        if form.is_valid():
            subscribe(request, form.cleaned_data)
            return redirect("proposals:alert-sent")
    else:
        form = AlertSubscriptionForm(campaign=campaign)
        form.initial, errors = preselection(form, request.GET)
    status = 400 if form.errors or errors else 200
    context = {"campaign": campaign, "form": form, "preselection_errors": errors}
    return render(request, "proposals/alert_form.html", context, status=status)


def subscribe(request, data):
    """Record the unconfirmed subscriptions with the consent's date and mail their confirmation links.

    A subject the address already confirmed is left as it is and mailed nothing; an unconfirmed one
    gets a fresh consent date and a new link. The visitor sees the same page in every case.
    """
    email, now = data["email"], timezone.now()
    to_confirm = []
    with transaction.atomic():
        for field, value in (("epci", data.get("epci")), ("proposal", data.get("mesure"))):
            if value is None:
                continue
            subscription, created = AlertSubscription.objects.select_for_update().get_or_create(
                email=email, **{field: value}, defaults={"consent_at": now}
            )
            if subscription.is_confirmed:
                continue
            if not created:
                subscription.consent_at = now
                subscription.save(update_fields=["consent_at"])
            to_confirm.append(subscription)
        if to_confirm:
            send_alert_confirmation(request.build_absolute_uri, email, to_confirm)


@require_GET
def alert_sent(request):
    return render(request, "proposals/alert_sent.html", {"days": max(1, ALERT_CONFIRMATION_MAX_AGE // 86400)})


@require_http_methods(["GET", "POST"])
@rate_limited("proposals-alert-confirm", "30/h")
def alert_confirm(request, token):
    """GET shows the button (mail scanners open links), POST confirms."""
    try:
        subscription = AlertSubscription.from_confirmation_token(token)
    except signing.SignatureExpired:
        return render(request, "proposals/alert_invalid.html", {"reason": "expired"}, status=400)
    except signing.BadSignature:
        subscription = None
    if subscription is None:  # tampered, or unsubscribed since: the same answer
        return render(request, "proposals/alert_invalid.html", {"reason": "invalid"}, status=400)
    if request.method == "POST":
        subscription.confirm()
    done = subscription.is_confirmed
    return render(request, "proposals/alert_confirm.html", {"subscription": subscription, "done": done})


# No CSRF token: mail clients send the RFC 8058 one-click POST themselves; the signed link is the proof.
# No rate limit either: those POSTs come from a few mail providers' servers, one IP for many people.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def alert_unsubscribe(request, token):
    """GET shows a button (so link scanners unsubscribe no one), POST unsubscribes; idempotent."""
    try:
        if request.method == "POST":
            AlertSubscription.unsubscribe(token)
        else:
            AlertSubscription.check_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "proposals/alert_invalid.html", {"reason": "unsubscribe"}, status=400)
    done = request.method == "POST"
    return render(request, "proposals/alert_unsubscribe.html", {"done": done, "token": token})
