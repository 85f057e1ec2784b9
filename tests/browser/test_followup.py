"""The term's follow-up in Chromium, at a phone and a desktop size, axe at zero violations on every page.

- A visitor opens the commitments list, a team's page (its measures, their status and evidence, the
  "Exemple de démonstration" banner of the demo teams) and a measure's page (chart and its table).
- A visitor subscribes to a measure's alerts from its page, forgets the address, fixes it, confirms by
  the emailed link, receives an alert when staff publish an update, and unsubscribes from the mail's link.

The data is the demo content (`seed_demo`, with its fictional example commitments).
"""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from proposals.demo import seed_examples
from proposals.models import AlertSubscription, Commitment, CommitmentUpdate
from tests.browser.a11y import assert_no_violations

# The shared fixtures (viewport, demo, axe_summary) live in a11y.py.
pytest_plugins = ["tests.browser.a11y"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("axe_summary"),
]

TEAM = "Liste exemple « Demain ensemble »"
MEASURE = "tiers-lieux"  # declared done by the example team, without evidence
EMAIL = "suivi.habitante@example.org"


@pytest.fixture
def followup(demo):
    demo("apes_portal", "directory", "publications", "proposals")
    seed_examples(lambda message: None)
    return Commitment.objects.get(full_name=TEAM)


def open_page(page, live_server, path):
    response = page.goto(live_server.url + path)
    page.wait_for_load_state("networkidle")
    return response


def click(page, locator):
    locator.click()
    page.wait_for_load_state("networkidle")


def path_in(message, name):
    prefix = reverse(f"proposals:{name}", kwargs={"token": "T"}).removesuffix("T/")
    return re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"[^/\s]+/)", message.body).group(1)


def test_visitor_reads_a_teams_follow_up_and_a_measures_progress(page, live_server, viewport, followup):
    assert open_page(page, live_server, reverse("proposals:commitment-list")).status == 200
    assert_no_violations(page)

    click(page, page.get_by_role("link", name=TEAM).first)
    expect(page.get_by_role("heading", level=1)).to_have_text(TEAM)
    expect(page.get_by_text("Exemple de démonstration").first).to_be_visible()
    measure = page.locator(f"#mesure-{MEASURE}")
    expect(measure).to_contain_text("déclaré, non documenté")
    expect(page.get_by_role("link", name="Compte rendu (exemple)")).to_be_visible()  # the evidence of another one
    assert_no_violations(page)

    click(page, measure.get_by_role("heading", level=2).get_by_role("link"))
    assert page.url.endswith(reverse("proposals:measure-detail", args=[MEASURE]))
    assert page.locator("main svg").first.get_attribute("aria-hidden") == "true"  # the table says it in words
    expect(page.locator("main table").first).to_contain_text("Réalisé")
    assert_no_violations(page)


def test_visitor_subscribes_to_a_measure_confirms_gets_an_alert_and_unsubscribes(page, live_server, viewport, followup):
    open_page(page, live_server, reverse("proposals:measure-detail", args=[MEASURE]))
    click(page, page.locator("#lien-alertes"))
    expect(page.get_by_label("Une mesure")).to_have_value(MEASURE)
    assert_no_violations(page)

    # Sent without an address or consent: the errors, next to their fields.
    click(page, page.get_by_role("button", name="Recevoir les alertes"))
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.get_by_text("Cochez cette case pour recevoir les alertes.")).to_be_visible()
    assert_no_violations(page)
    page.get_by_label(re.compile(r"^Courriel")).fill(EMAIL)
    page.get_by_label(re.compile(r"^J'accepte que l'Apes")).check()
    click(page, page.get_by_role("button", name="Recevoir les alertes"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("confirmez votre adresse")
    assert_no_violations(page)

    (message,) = [m for m in mail.outbox if EMAIL in m.to]
    open_page(page, live_server, path_in(message, "alert-confirm"))
    assert_no_violations(page)
    click(page, page.get_by_role("button", name="Je confirme mon abonnement"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre abonnement est confirmé")
    assert_no_violations(page)

    # Staff publish an update on that measure; the daily run mails it.
    CommitmentUpdate.objects.create(
        commitment=followup,
        proposal=followup.proposals.get(slug=MEASURE),
        status="realise",
        note="Le compte rendu d'ouverture est publié (exemple fictif).",
        evidence_url="https://example.org/ouverture-exemple",
    )
    call_command("send_followup_alerts", "--base-url", live_server.url, stdout=open("/dev/null", "w"))  # noqa: SIM115
    (alert,) = [m for m in mail.outbox if EMAIL in m.to and m is not message]
    assert TEAM in alert.body and alert.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    open_page(page, live_server, path_in(alert, "alert-unsubscribe"))
    assert_no_violations(page)
    assert AlertSubscription.objects.filter(email=EMAIL).exists()  # opening the link changes nothing
    click(page, page.get_by_role("button", name="Me désabonner"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes désabonné·e")
    assert_no_violations(page)
    assert not AlertSubscription.objects.filter(email=EMAIL).exists()
