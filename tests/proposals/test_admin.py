"""Staff edit the campaign with history and moderate commitments in the admin."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from proposals.models import Commitment, CommitmentUpdate
from tests.factories import CommitmentFactory, CommitmentUpdateFactory
from tests.formdata import form_values

pytestmark = pytest.mark.django_db


def test_admin_pages_open(client, administrator, campaign, places):
    client.force_login(administrator)
    proposal = campaign.axes.get(slug="transition").proposals.first()
    commitment = CommitmentFactory(campaign=campaign, commune=places["lille"])
    urls = [
        reverse("admin:proposals_campaign_changelist"),
        reverse("admin:proposals_campaign_change", args=[campaign.pk]),
        reverse("admin:proposals_axis_change", args=[proposal.axis.pk]),
        reverse("admin:proposals_proposal_changelist"),
        reverse("admin:proposals_proposal_change", args=[proposal.pk]),
        reverse("admin:proposals_proposal_history", args=[proposal.pk]),
        reverse("admin:proposals_commitment_changelist"),
        reverse("admin:proposals_commitment_changelist") + "?avancement=engage",
        reverse("admin:proposals_commitment_changelist") + "?status=confirmed",
        reverse("admin:proposals_commitment_change", args=[commitment.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_proposal_edits_are_kept_in_history(client, administrator, campaign):
    proposal = campaign.axes.get(slug="transition").proposals.first()
    proposal.title = "Un intitulé revu"
    proposal.save()
    client.force_login(administrator)
    html = client.get(reverse("admin:proposals_proposal_history", args=[proposal.pk])).content.decode()
    assert html.count("<tr") >= 3  # header + creation + change


def test_the_proposal_form_uses_autocomplete_for_examples(client, administrator, campaign):
    client.force_login(administrator)
    proposal = campaign.axes.get(slug="transition").proposals.first()
    html = client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk])).content.decode()
    assert 'name="example_organisations"' in html and "admin-autocomplete" in html


def test_only_email_confirmed_commitments_can_be_validated(client, administrator, campaign, places):
    pending = CommitmentFactory(campaign=campaign, commune=places["lille"], status="pending", validated_at=None)
    confirmed = CommitmentFactory(campaign=campaign, commune=places["marly"], status="confirmed", validated_at=None)
    client.force_login(administrator)
    response = client.post(
        reverse("admin:proposals_commitment_changelist"),
        {"action": "approve_selected", "_selected_action": [pending.pk, confirmed.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "1 engagement(s) validé(s) et publié(s)." in html
    assert "1 engagement(s) ignoré(s)" in html
    pending.refresh_from_db()
    confirmed.refresh_from_db()
    assert pending.status == Commitment.Status.PENDING
    assert confirmed.status == Commitment.Status.VALIDATED and confirmed.validated_by == administrator


def test_reject_action_hides_a_commitment(client, administrator, campaign, places):
    commitment = CommitmentFactory(campaign=campaign, commune=places["lille"], full_name="Signature douteuse")
    client.force_login(administrator)
    client.post(
        reverse("admin:proposals_commitment_changelist"),
        {"action": "refuse_selected", "_selected_action": [commitment.pk]},
    )
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.REJECTED
    assert "Signature douteuse" not in client.get(reverse("proposals:commitment-list")).content.decode()


def commitment_form(client, commitment):
    """The commitment's admin change form as a browser would submit it, and its URL."""
    url = reverse("admin:proposals_commitment_change", args=[commitment.pk])
    return url, form_values(client.get(url).text, "commitment_form")


def test_staff_record_a_dated_follow_up_inline(client, administrator, campaign, places):
    commitment = CommitmentFactory(campaign=campaign, commune=places["lille"])
    commitment.proposals.set([campaign.axes.get(slug="transition").proposals.first()])
    client.force_login(administrator)
    url, data = commitment_form(client, commitment)
    data.update(
        {
            "updates-0-date": "2026-09-01",
            "updates-0-status": "en-cours",
            "updates-0-note": "Une étude de faisabilité est lancée.",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    update = CommitmentUpdate.objects.get()
    assert update.date == datetime.date(2026, 9, 1)
    html = client.get(commitment.get_absolute_url()).content.decode()
    assert "<strong>En cours</strong> : Une étude de faisabilité est lancée." in html


def test_setting_validated_in_the_form_records_who_and_when(client, administrator, campaign, places):
    commitment = CommitmentFactory(campaign=campaign, commune=places["lille"], status="confirmed", validated_at=None)
    commitment.proposals.set([campaign.axes.get(slug="transition").proposals.first()])
    client.force_login(administrator)
    url, data = commitment_form(client, commitment)
    data["status"] = "validated"
    assert client.post(url, data).status_code == 302
    assert not CommitmentUpdate.objects.exists()  # the blank follow-up row is not saved
    commitment.refresh_from_db()
    assert commitment.validated_by == administrator and commitment.validated_at is not None


def test_outsiders_cannot_reach_the_commitments_admin(client, member, campaign):
    client.force_login(member)
    response = client.get(reverse("admin:proposals_commitment_changelist"))
    assert response.status_code == 302
    assert "/login/" in response.url


CHANGELIST = reverse("admin:proposals_commitment_changelist")


def follow(commitment, proposal, status, day, review="published"):
    CommitmentUpdateFactory(
        commitment=commitment, proposal=proposal, status=status, date=datetime.date(2026, 9, day), review=review
    )


def names_in(html):
    return {name for name in ("Équipe de Lille", "Équipe de Marly", "Équipe de Grenay") if name in html}


def test_the_follow_up_filter_follows_each_measure_as_the_public_list_does(client, administrator, campaign, places):
    first, second = campaign.axes.get(slug="transition").proposals.all()
    # One measure done, then news on the other one: a measure is done, whatever the latest note.
    lille = CommitmentFactory(campaign=campaign, commune=places["lille"], full_name="Équipe de Lille")
    lille.proposals.set([first, second])
    follow(lille, first, "realise", 1)
    follow(lille, second, "en-cours", 2)
    # "Réalisé" proposed by the team and not moderated yet: nothing is done.
    marly = CommitmentFactory(campaign=campaign, commune=places["marly"], full_name="Équipe de Marly")
    marly.proposals.set([first])
    follow(marly, first, "realise", 3, review="proposed")
    CommitmentFactory(campaign=campaign, commune=places["grenay"], full_name="Équipe de Grenay").proposals.set([first])
    client.force_login(administrator)
    public = client.get(reverse("proposals:commitment-list"), {"avancement": "realise"}).content.decode()
    staff = client.get(CHANGELIST, {"avancement": "realise"}).content.decode()
    assert names_in(staff) == names_in(public) == {"Équipe de Lille"}
    engaged = client.get(CHANGELIST, {"avancement": "engage"}).content.decode()
    assert names_in(engaged) == {"Équipe de Marly", "Équipe de Grenay"}


def test_the_follow_up_column_counts_the_measures_done(client, administrator, campaign, places):
    first, second = campaign.axes.get(slug="transition").proposals.all()
    commitment = CommitmentFactory(campaign=campaign, commune=places["lille"])
    commitment.proposals.set([first, second])
    follow(commitment, first, "realise", 1)
    follow(commitment, second, "en-cours", 2)
    client.force_login(administrator)
    assert "1/2 mesures réalisées" in client.get(CHANGELIST).content.decode()


@pytest.mark.parametrize("count", [1, 5])
def test_commitments_changelist_query_count(client, administrator, campaign, places, count, django_assert_num_queries):
    """Session, user and device, the campaign filter, two counts, the page, its measures and their published
    updates, the date hierarchy's two: none per row."""
    proposals = list(campaign.axes.get(slug="transition").proposals.all())
    for _ in range(count):
        commitment = CommitmentFactory(campaign=campaign, commune=places["lille"], proposals=proposals)
        follow(commitment, proposals[0], "realise", 1)
    client.force_login(administrator)
    with django_assert_num_queries(11):
        response = client.get(CHANGELIST)
    assert response.content.decode().count("1/2 mesures réalisées") == count


def decide(client, obj, button, message=""):
    """Press "Accepter" or "Refuser" on the submission's own page, as the browser sends it."""
    url = reverse(f"admin:proposals_{obj._meta.model_name}_change", args=[obj.pk])
    data = form_values(client.get(url).text, f"{obj._meta.model_name}_form")
    return client.post(url, {**data, button: "1", "decision_message": message})


def test_a_commitment_refused_from_its_page_tells_the_signatory_why(client, administrator, campaign, places):
    commitment = CommitmentFactory(
        campaign=campaign, commune=places["lille"], status="confirmed", confirmed_at=timezone.now(), validated_at=None
    )
    commitment.proposals.set([campaign.axes.get(slug="transition").proposals.first()])
    client.force_login(administrator)
    assert decide(client, commitment, "_reject", "Cette personne n'est pas élue à Lille.").status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.REJECTED
    [message] = mail.outbox
    assert message.to == [commitment.email] and message.subject == "Votre engagement n'est pas publié (Lille)"
    assert "ne l'a pas publié" in message.body and "Cette personne n'est pas élue à Lille." in message.body


def test_a_commitment_validated_from_its_page_carries_the_staff_message(client, administrator, campaign, places):
    commitment = CommitmentFactory(
        campaign=campaign, commune=places["lille"], status="confirmed", confirmed_at=timezone.now(), validated_at=None
    )
    commitment.proposals.set([campaign.axes.get(slug="transition").proposals.first()])
    client.force_login(administrator)
    decide(client, commitment, "_accept", "Bienvenue dans le suivi !")
    [message] = mail.outbox
    assert message.to == [commitment.email] and "Bienvenue dans le suivi !" in message.body
    assert commitment.get_absolute_url() in message.body


def test_withdrawing_a_public_commitment_tells_the_signatory(client, administrator, campaign, places):
    commitment = CommitmentFactory(campaign=campaign, commune=places["lille"])
    client.force_login(administrator)
    client.post(CHANGELIST, {"action": "refuse_selected", "_selected_action": [commitment.pk]})
    [message] = mail.outbox
    assert message.to == [commitment.email]
    assert message.subject == "Votre engagement est retiré de la liste publique (Lille)"


def test_an_address_that_never_confirmed_gets_no_refusal(client, administrator, campaign, places):
    commitment = CommitmentFactory(campaign=campaign, commune=places["lille"], status="pending", validated_at=None)
    client.force_login(administrator)
    client.post(CHANGELIST, {"action": "refuse_selected", "_selected_action": [commitment.pk]})
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.REJECTED and mail.outbox == []


def test_a_refused_update_tells_the_team_why_with_a_link_to_propose_another(client, administrator, campaign, places):
    commitment = CommitmentFactory(campaign=campaign, commune=places["lille"])
    proposal = campaign.axes.get(slug="transition").proposals.first()
    commitment.proposals.set([proposal])
    update = CommitmentUpdateFactory(commitment=commitment, proposal=proposal, status="realise", review="proposed")
    client.force_login(administrator)
    assert decide(client, update, "_reject", "Joignez la délibération, s'il vous plaît.").status_code == 302
    update.refresh_from_db()
    assert update.review == CommitmentUpdate.Review.REFUSED
    [message] = mail.outbox
    assert message.to == [commitment.email] and "Joignez la délibération, s'il vous plaît." in message.body
    [link] = re.findall(r"http://testserver(/\S+/proposer-un-suivi/\S+/)", message.body)
    client.logout()
    assert client.get(link).status_code == 200
