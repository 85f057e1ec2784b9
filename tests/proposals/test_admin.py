"""Staff edit the campaign with history and moderate commitments in the admin."""

import datetime

import pytest
from django.urls import reverse

from proposals.models import Commitment, CommitmentUpdate
from tests.factories import CommitmentFactory

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


def test_staff_record_a_dated_follow_up_inline(client, administrator, campaign, places):
    commitment = CommitmentFactory(campaign=campaign, commune=places["lille"])
    commitment.proposals.set([campaign.axes.get(slug="transition").proposals.first()])
    client.force_login(administrator)
    url = reverse("admin:proposals_commitment_change", args=[commitment.pk])
    data = {
        "campaign": campaign.pk,
        "status": "validated",
        "full_name": commitment.full_name,
        "kind": "elu",
        "role": "Maire",
        "list_name": "",
        "email": commitment.email,
        "commune": places["lille"].pk,
        "epci": places["lille_epci"].pk,
        "proposals": [p.pk for p in commitment.proposals.all()],
        "updates-TOTAL_FORMS": "1",
        "updates-INITIAL_FORMS": "0",
        "updates-MIN_NUM_FORMS": "0",
        "updates-MAX_NUM_FORMS": "1000",
        "updates-0-date": "2026-09-01",
        "updates-0-status": "en-cours",
        "updates-0-note": "Une étude de faisabilité est lancée.",
    }
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
    data = {
        "campaign": campaign.pk,
        "status": "validated",
        "full_name": commitment.full_name,
        "kind": "elu",
        "role": "Maire",
        "list_name": "",
        "email": commitment.email,
        "commune": places["lille"].pk,
        "epci": places["lille_epci"].pk,
        "proposals": [p.pk for p in commitment.proposals.all()],
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
        "updates-MIN_NUM_FORMS": "0",
        "updates-MAX_NUM_FORMS": "1000",
    }
    assert client.post(reverse("admin:proposals_commitment_change", args=[commitment.pk]), data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.validated_by == administrator and commitment.validated_at is not None


def test_outsiders_cannot_reach_the_commitments_admin(client, member, campaign):
    client.force_login(member)
    response = client.get(reverse("admin:proposals_commitment_changelist"))
    assert response.status_code == 302
    assert "/login/" in response.url
