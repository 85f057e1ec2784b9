"""GDPR: a signatory can be anonymised on request; the commitment still counts."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from proposals.models import ANONYMISED_NAME, Commitment
from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db


def test_anonymise_erases_identity_but_keeps_counts(visitor, campaign, places):
    proposal = campaign.axes.get(slug="transition").proposals.first()
    commitment = CommitmentFactory(
        campaign=campaign, commune=places["lille"], full_name="Paul Durand", list_name="Lille demain"
    )
    commitment.proposals.set([proposal])
    commitment.anonymise()
    html = visitor.get(reverse("proposals:commitment-list")).content.decode()
    assert "Paul Durand" not in html and "Lille demain" not in html
    assert ANONYMISED_NAME in html
    assert "1 engagement publié" in html
    geojson = visitor.get(reverse("proposals:commitment-geojson")).content.decode()
    assert "Paul Durand" not in geojson


def test_anonymise_person_covers_commitments_with_dry_run(campaign, places, capsys):
    first = CommitmentFactory(campaign=campaign, commune=places["lille"], email="paul@ville.example")
    second = CommitmentFactory(campaign=campaign, commune=places["marly"], email="Paul@Ville.example")
    other = CommitmentFactory(campaign=campaign, commune=places["grenay"], email="autre@ville.example")

    call_command("anonymise_person", email="paul@ville.example", dry_run=True)
    assert not Commitment.objects.filter(anonymised_at__isnull=False).exists()

    call_command("anonymise_person", email="paul@ville.example")
    assert "2 record(s) anonymised." in capsys.readouterr().out
    for commitment in (first, second, other):
        commitment.refresh_from_db()
    assert first.full_name == second.full_name == ANONYMISED_NAME
    assert "paul" not in first.email + second.email
    assert other.anonymised_at is None

    # A second request for the same person finds nothing left to erase.
    call_command("anonymise_person", email="paul@ville.example")
    assert "0 record(s) anonymised." in capsys.readouterr().out


def test_anonymise_person_refuses_what_is_not_an_address(db):
    with pytest.raises(CommandError, match="Adresse e-mail invalide"):
        call_command("anonymise_person", email="paul")


def test_admin_action_anonymises(client, administrator, campaign, places):
    commitment = CommitmentFactory(campaign=campaign, commune=places["lille"], full_name="Paul Durand")
    client.force_login(administrator)
    client.post(
        reverse("admin:proposals_commitment_changelist"),
        {"action": "anonymise_selected", "_selected_action": [commitment.pk]},
    )
    commitment.refresh_from_db()
    assert commitment.full_name == ANONYMISED_NAME and commitment.anonymised_at is not None
