"""The mid-term review: CSV for the region and per EPCI, a printable A4 page, from a command or the admin."""

import csv
import datetime
import io
import re
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from proposals.models import Commitment, Proposal
from proposals.review import build_review
from tests.factories import CommitmentFactory, CommitmentUpdateFactory

BASE = "https://portail.example"


@pytest.fixture
def teams(campaign, places):
    first, second = Proposal.objects.get(slug="proximite-a"), Proposal.objects.get(slug="stimuler-b")
    marly = CommitmentFactory(campaign=campaign, commune=places["marly"], full_name="Liste test Marly")
    marly.proposals.set([first, second])
    CommitmentUpdateFactory(
        commitment=marly,
        proposal=first,
        status="realise",
        date=datetime.date(2026, 9, 1),
        evidence_url="https://marly.example/deliberation",
    )
    CommitmentUpdateFactory(commitment=marly, proposal=second, status="realise", date=datetime.date(2026, 9, 2))
    lille = CommitmentFactory(campaign=campaign, commune=places["lille"], full_name='=HYPERLINK("x")')
    lille.proposals.set([first])
    hidden = CommitmentFactory(campaign=campaign, commune=places["grenay"], status=Commitment.Status.CONFIRMED)
    hidden.proposals.set([first])
    return {"marly": marly, "lille": lille}


def read_csv(content):
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def test_the_command_writes_the_region_and_epci_csv_and_the_a4_page(teams, places, tmp_path):
    call_command("export_midterm_review", "--output", str(tmp_path), "--base-url", BASE, stdout=io.StringIO())
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "bilan-mi-mandat.css",
        "bilan-mi-mandat.html",
        "epci-200093201-metropole-europeenne-de-lille.csv",
        "epci-245901160-ca-valenciennes-metropole.csv",
        "region.csv",
    ]  # no file for the Lens-Liévin EPCI, whose only commitment is not validated

    region = read_csv((tmp_path / "region.csv").read_bytes())
    assert len(region) == 3
    marly = [row for row in region if row["commune"] == "Marly"]
    assert [(row["mesure"], row["etat"], row["documente"]) for row in marly] == [
        ("Première mesure de l'axe 2", "Réalisé", "oui"),
        ("Deuxième mesure de l'axe 4", "Réalisé", "non"),
    ]
    assert marly[0]["preuves"] == "https://marly.example/deliberation"
    assert marly[0]["page"] == f"{BASE}{teams['marly'].get_absolute_url()}"
    lille = [row for row in region if row["commune"] == "Lille"]
    assert lille[0]["equipe"] == '\'=HYPERLINK("x")'  # never run as a formula by a spreadsheet
    assert lille[0]["etat"] == "Engagé"

    valenciennes = read_csv((tmp_path / "epci-245901160-ca-valenciennes-metropole.csv").read_bytes())
    assert {row["epci"] for row in valenciennes} == {"CA Valenciennes Métropole"} and len(valenciennes) == 2


def test_the_a4_page_has_one_page_per_epci_and_groups_the_others_in_a_final_table(teams, places, tmp_path):
    call_command("export_midterm_review", "--output", str(tmp_path), "--base-url", BASE, stdout=io.StringIO())
    html = (tmp_path / "bilan-mi-mandat.html").read_text()
    assert '<link rel="stylesheet" href="bilan-mi-mandat.css">' in html  # beside it, so it prints offline
    css = (tmp_path / "bilan-mi-mandat.css").read_text()
    assert "@page { size: A4;" in css and ".epci, .sans-engagement { break-before: page; }" in css
    sections = re.findall(r'<section class="epci" id="epci-(\d+)">', html)
    assert sections == [places["valenciennes_epci"].siren, places["lille_epci"].siren]  # by name: "CA V…" < "Mé…"
    final = html[html.index('id="sans-engagement"') :]
    assert "CA de Lens-Liévin" in final and 'id="epci-246200364"' not in html
    assert "(déclaré, non documenté)" in html
    assert "Liste test Marly (Marly)" in html


def test_the_admin_action_downloads_the_same_files_as_a_zip(administrator_client, teams):
    response = administrator_client.post(
        reverse("admin:proposals_commitment_changelist"),
        {"action": "export_midterm_review", "_selected_action": [teams["marly"].pk]},
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert 'filename="bilan-mi-mandat-municipales-2026-' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == [
        "bilan-mi-mandat.css",
        "bilan-mi-mandat.html",
        "epci-245901160-ca-valenciennes-metropole.csv",
        "region.csv",
    ]
    rows = read_csv(archive.read("region.csv"))
    assert {row["equipe"] for row in rows} == {"Liste test Marly"}
    assert rows[0]["page"].startswith("http://testserver/municipales-2026/engagements/")


def test_the_review_runs_a_fixed_number_of_queries(teams, campaign, places, django_assert_num_queries):
    """Commitments with their territory, their measures, their updates, and the EPCI without commitments."""
    for _ in range(5):
        extra = CommitmentFactory(campaign=campaign, commune=places["valenciennes"])
        extra.proposals.set(Proposal.objects.all())
        CommitmentUpdateFactory(commitment=extra)
    with django_assert_num_queries(4):
        review = build_review(campaign)
        assert len(review.rows) == 3 + 5 * 8


def test_the_command_refuses_a_bad_site_address_or_campaign(campaign, tmp_path):
    with pytest.raises(CommandError, match="Adresse du site invalide"):
        call_command("export_midterm_review", "--output", str(tmp_path), "--base-url", "nulle part")
    with pytest.raises(CommandError, match="Aucune campagne ne correspond"):
        call_command("export_midterm_review", "--output", str(tmp_path), "--base-url", BASE, "--campaign", "x")
