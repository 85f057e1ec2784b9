"""Email alerts on the follow-up: double opt-in, daily alerts with one-click unsubscribe, bad links, GDPR."""

import datetime
import re
from html import unescape

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from proposals.models import ALERT_CONFIRMATION_MAX_AGE, AlertSubscription, CommitmentUpdate, Proposal
from tests.factories import CommitmentFactory, CommitmentUpdateFactory

SUBSCRIBE_URL = reverse("proposals:alert-subscribe")
EMAIL = "habitante@exemple.org"
BASE = "https://portail.example"


@pytest.fixture
def team(campaign, places):
    """A validated team in Marly (CA Valenciennes Métropole) on two measures."""
    return CommitmentFactory(
        campaign=campaign,
        commune=places["marly"],
        full_name="Liste test Marly",
        proposals=list(Proposal.objects.filter(slug__in=["proximite-a", "stimuler-b"])),
    )


def subscribe(client, **data):
    return client.post(SUBSCRIBE_URL, {"email": EMAIL, "consent": "on", **data})


def links(message, name):
    prefix = "http://testserver" if name == "alert-confirm" else BASE
    path = reverse(f"proposals:{name}", kwargs={"token": "TOKEN"}).replace("TOKEN/", "")
    return re.findall(re.escape(prefix + path) + r"[^/\s]+/", message.body)


def send_alerts():
    call_command("send_followup_alerts", "--base-url", BASE, stdout=open("/dev/null", "w"))  # noqa: SIM115


def confirmed_subscription(places, **subject):
    subject = subject or {"epci": places["valenciennes_epci"]}
    past = timezone.now() - datetime.timedelta(days=2)
    return AlertSubscription.objects.create(email=EMAIL, consent_at=past, confirmed_at=past, **subject)


def test_subscribe_confirm_be_alerted_once_a_day_and_unsubscribe(visitor, team, places):
    epci = places["valenciennes_epci"]
    form = visitor.get(SUBSCRIBE_URL, {"epci": epci.siren})
    assert form.status_code == 200
    assert f'<option value="{epci.siren}" selected>' in form.content.decode()

    response = subscribe(visitor, epci=epci.siren)
    assert response.status_code == 302 and response.url == reverse("proposals:alert-sent")
    subscription = AlertSubscription.objects.get()
    assert subscription.email == EMAIL and subscription.consent_at is not None and not subscription.is_confirmed
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [EMAIL]
    [confirm] = links(mail.outbox[0], "alert-confirm")

    # Nothing goes to an unconfirmed address, whatever is published.
    CommitmentUpdateFactory(commitment=team, proposal=Proposal.objects.get(slug="proximite-a"), note="Avant.")
    send_alerts()
    assert len(mail.outbox) == 1

    assert "bouton-confirmer" in visitor.get(confirm).content.decode()  # a GET (mail scanner) confirms nothing
    subscription.refresh_from_db()
    assert not subscription.is_confirmed
    assert "Votre abonnement est confirmé" in visitor.post(confirm).content.decode()
    subscription.refresh_from_db()
    assert subscription.is_confirmed

    CommitmentUpdateFactory(
        commitment=team, proposal=Proposal.objects.get(slug="stimuler-b"), status="realise", note="Voté."
    )
    send_alerts()
    assert len(mail.outbox) == 2
    alert = mail.outbox[1]
    assert alert.to == [EMAIL]
    assert "Liste test Marly (Marly)" in alert.body and "Deuxième mesure de l'axe 4 — Réalisé" in alert.body
    assert "Avant." not in alert.body and "Première mesure" not in alert.body  # published before the confirmation
    [unsubscribe_one, unsubscribe_all] = links(alert, "alert-unsubscribe")
    assert alert.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_all}>"
    assert alert.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Maison de l'ESS" in alert.body  # the portal's mail footer
    [(html, mimetype)] = alert.alternatives
    assert mimetype == "text/html" and f'href="{unsubscribe_all}"' in html

    # At most one mail a day: a second update the same day waits for tomorrow's run.
    CommitmentUpdateFactory(commitment=team, status="en-cours", note="Encore.")
    send_alerts()
    assert len(mail.outbox) == 2

    page = visitor.get(unsubscribe_one)
    assert page.status_code == 200 and "bouton-desabonner" in page.content.decode()
    assert AlertSubscription.objects.exists()  # a GET unsubscribes no one
    done = visitor.post(unsubscribe_one)
    assert "Vous êtes désabonné·e" in done.content.decode()
    assert not AlertSubscription.objects.exists()


def test_the_next_days_alert_lists_only_what_is_new(visitor, team, places):
    subscription = confirmed_subscription(places)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    AlertSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=yesterday)
    already_told = CommitmentUpdateFactory(commitment=team, note="Premier point.")
    CommitmentUpdate.objects.filter(pk=already_told.pk).update(published_at=yesterday - datetime.timedelta(hours=1))
    CommitmentUpdateFactory(commitment=team, note="Second point.", status="realise")
    send_alerts()
    [alert] = mail.outbox
    assert "Réalisé" in alert.body and "En cours" not in alert.body


def test_no_news_no_mail(visitor, team, places):
    confirmed_subscription(places)
    CommitmentUpdateFactory(commitment=team, review=CommitmentUpdate.Review.PROPOSED)  # not moderated yet
    send_alerts()
    assert mail.outbox == []


def test_a_measure_alert_lists_that_measure_and_notes_on_the_whole_commitment(visitor, team, places):
    confirmed_subscription(places, proposal=Proposal.objects.get(slug="stimuler-b"))
    CommitmentUpdateFactory(commitment=team, proposal=Proposal.objects.get(slug="proximite-a"), status="abandonne")
    CommitmentUpdateFactory(commitment=team, proposal=None, status="en-cours")
    send_alerts()
    [alert] = mail.outbox
    assert "== Deuxième mesure de l'axe 4 ==" in alert.body
    assert "En cours" in alert.body and "Abandonné" not in alert.body


def test_one_click_unsubscribe_by_the_mail_client_needs_no_csrf_token(team, places):
    confirmed_subscription(places)
    confirmed_subscription(places, proposal=Proposal.objects.get(slug="proximite-a"))
    CommitmentUpdateFactory(commitment=team, proposal=Proposal.objects.get(slug="proximite-a"))
    send_alerts()
    [alert] = mail.outbox  # one mail for the address, a section per subject
    assert alert.body.count("== ") == 2
    header_url = alert.extra_headers["List-Unsubscribe"].strip("<>")
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        header_url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not AlertSubscription.objects.filter(email=EMAIL).exists()  # every alert of that address


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_unsubscribe_link_is_400_and_says_nothing_about_the_address(visitor, places, method):
    """A forged link for a subscribed key, a malformed one, one signed for another purpose: the same page."""
    subscription = confirmed_subscription(places)
    token = subscription.unsubscribe_token()
    answers = []
    for bad in (token[:-2] + "xx", "one:inconnue:faux", signing.Signer(salt="autre").sign(f"one:{subscription.key}")):
        response = getattr(visitor, method)(reverse("proposals:alert-unsubscribe", kwargs={"token": bad}))
        assert response.status_code == 400
        answers.append(unescape(response.content.decode()).replace(bad, "…"))
    assert "Ce lien de désabonnement n'est pas valide" in answers[0]
    assert len(set(answers)) == 1  # the same page, subscribed or not
    assert AlertSubscription.objects.filter(pk=subscription.pk).exists()


def test_a_used_unsubscribe_link_answers_like_the_first_time(visitor, places):
    subscription = confirmed_subscription(places)
    url = reverse("proposals:alert-unsubscribe", kwargs={"token": subscription.unsubscribe_token()})
    first = visitor.post(url)
    again = visitor.post(url)
    assert first.status_code == again.status_code == 200
    assert first.content == again.content


def test_tampered_and_expired_confirmation_links_are_400_in_french(visitor, places, monkeypatch):
    subscription = AlertSubscription.objects.create(email=EMAIL, consent_at=timezone.now(), epci=places["lens_epci"])
    token = subscription.confirmation_token()
    tampered = visitor.post(reverse("proposals:alert-confirm", kwargs={"token": token + "x"}))
    assert tampered.status_code == 400
    assert "Ce lien de confirmation n'est pas valide" in unescape(tampered.content.decode())
    later = timezone.now().timestamp() + ALERT_CONFIRMATION_MAX_AGE + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    expired = visitor.post(reverse("proposals:alert-confirm", kwargs={"token": token}))
    assert expired.status_code == 400 and "a expiré" in unescape(expired.content.decode())
    subscription.refresh_from_db()
    assert not subscription.is_confirmed


def test_unknown_territory_or_measure_is_400_and_records_nothing(visitor, campaign):
    response = visitor.get(SUBSCRIBE_URL, {"epci": "000000000"})
    assert response.status_code == 400
    assert "Cette intercommunalité n'est pas dans les Hauts-de-France." in unescape(response.content.decode())
    assert visitor.get(SUBSCRIBE_URL, {"mesure": "inconnue"}).status_code == 400
    posted = subscribe(visitor, mesure="inconnue")
    assert posted.status_code == 400
    assert "Cette mesure n'existe pas." in unescape(posted.content.decode())
    nothing = subscribe(visitor)
    assert nothing.status_code == 400
    assert "Choisissez une intercommunalité, une mesure, ou les deux." in unescape(nothing.content.decode())
    assert not AlertSubscription.objects.exists() and mail.outbox == []


def test_consent_and_honeypot_are_required(visitor, campaign):
    no_consent = visitor.post(SUBSCRIBE_URL, {"email": EMAIL, "mesure": "proximite-a"})
    assert no_consent.status_code == 400
    assert "Cochez cette case pour recevoir les alertes." in no_consent.content.decode()
    bot = subscribe(visitor, mesure="proximite-a", site_web_confirmation="http://spam.example")
    assert bot.status_code == 400
    assert not AlertSubscription.objects.exists() and mail.outbox == []


def test_the_form_is_rate_limited(visitor, campaign, settings):
    for _ in range(5):
        subscribe(visitor, email=f"{_}@exemple.org", mesure="proximite-a")
    assert subscribe(visitor, mesure="proximite-a").status_code == 429
    assert AlertSubscription.objects.count() == 5


def test_an_address_already_subscribed_gets_the_same_page_and_no_mail(visitor, campaign, places):
    confirmed_subscription(places)
    response = subscribe(visitor, epci=places["valenciennes_epci"].siren)
    assert response.status_code == 302 and response.url == reverse("proposals:alert-sent")
    assert mail.outbox == [] and AlertSubscription.objects.count() == 1


def test_subscribing_to_both_sends_one_confirmation_mail(visitor, campaign, places):
    subscribe(visitor, epci=places["lille_epci"].siren, mesure="proximite-a")
    assert AlertSubscription.objects.count() == 2
    [message] = mail.outbox
    assert len(links(message, "alert-confirm")) == 2


def test_expired_unconfirmed_subscriptions_are_deleted(places):
    old = timezone.now() - datetime.timedelta(seconds=ALERT_CONFIRMATION_MAX_AGE + 3600)
    stale = AlertSubscription.objects.create(email=EMAIL, consent_at=old, epci=places["lens_epci"])
    AlertSubscription.objects.filter(pk=stale.pk).update(created_at=old)
    fresh = AlertSubscription.objects.create(email="autre@exemple.org", consent_at=old, epci=places["lens_epci"])
    send_alerts()
    assert list(AlertSubscription.objects.all()) == [fresh]


def test_anonymise_person_covers_subscribers(team, places):
    confirmed_subscription(places)
    call_command("anonymise_person", "--email", EMAIL.upper(), stdout=open("/dev/null", "w"))  # noqa: SIM115
    subscription = AlertSubscription.objects.get()
    assert subscription.email != EMAIL and not subscription.is_confirmed
    CommitmentUpdateFactory(commitment=team)
    send_alerts()
    assert mail.outbox == []


def test_subscription_form_query_count(visitor, campaign, places, django_assert_num_queries):
    """The campaign, the EPCI checked, the EPCI options and the measure options."""
    with django_assert_num_queries(4):
        response = visitor.get(SUBSCRIBE_URL, {"epci": places["lille_epci"].siren})
    assert response.status_code == 200


def test_the_command_needs_a_site_address():
    with pytest.raises(Exception, match="Adresse du site invalide"):
        call_command("send_followup_alerts", "--base-url", "portail sans schéma")
