"""Imports never duplicate: rows find their record by SIRET/SIREN, folded name in the commune, or slug."""

import csv
import io
import re

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from stdnum import luhn

from directory.models import Organisation
from directory.resources import OrganisationResource
from tests.factories import CommuneFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

COLUMNS = ["slug", "nom", "siren", "code_postal", "code_insee", "commune", "telephone"]


@pytest.fixture
def lille(db):
    return CommuneFactory(insee_code="59350", name="Lille", slug="lille", postal_codes=["59000", "59800"])


def csv_file(rows, columns=COLUMNS, prefix=""):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("organisations.csv", (prefix + buffer.getvalue()).encode(), content_type="text/csv")


def xlsx_file(rows, columns=COLUMNS):
    workbook = openpyxl.Workbook()
    workbook.active.append(columns)
    for row in rows:
        workbook.active.append([row.get(column, "") for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    # A misleading name: the format is read from the content, not from the name or a menu.
    return SimpleUploadedFile("organisations.dat", buffer.getvalue(), content_type="application/octet-stream")


def preview(client, upload):
    return client.post(reverse("admin:directory_organisation_import"), {"import_file": upload, "resource": "0"})


def confirm(client, preview_response):
    assert "confirm_form" in preview_response.context, preview_response.text[-2000:]
    initial = preview_response.context["confirm_form"].initial
    return client.post(reverse("admin:directory_organisation_process_import"), initial, follow=True)


def activ_cites_row(**extra):
    return {"slug": "", "nom": "Activ'Cités", "siren": "", "code_postal": "59000", "code_insee": "59350", **extra}


def test_a_row_with_the_same_folded_name_in_the_commune_updates_the_record(administrator_client, lille):
    existing = OrganisationFactory(name="Activ Cites", slug="activ-cites", commune=lille, postal_code="59000")
    response = preview(administrator_client, csv_file([activ_cites_row(telephone="03 20 00 00 00")]))
    assert "Mise à jour de" in response.text
    assert reverse("admin:directory_organisation_change", args=[existing.pk]) in response.text
    assert "Nouvelle fiche" not in response.text
    assert "Lille (59350)" in response.text  # the commune found is shown

    confirm(administrator_client, response)
    assert Organisation.objects.count() == 1
    existing.refresh_from_db()
    assert existing.phone == "03 20 00 00 00"


def test_a_row_without_commune_finds_the_record_by_the_slug_of_its_name(administrator_client, lille):
    OrganisationFactory(name="Activ'Cités", slug="activ-cites", commune=lille, postal_code="59000")
    row = activ_cites_row(code_insee="", code_postal="")
    confirm(administrator_client, preview(administrator_client, csv_file([row])))
    assert Organisation.objects.count() == 1


def test_a_row_matching_two_records_is_refused_with_their_links(administrator_client, lille):
    first = OrganisationFactory(name="Activ'Cités", slug="activ-cites", commune=lille)
    second = OrganisationFactory(name="Activ Cités", slug="activ-cites-2", commune=lille)
    response = preview(administrator_client, csv_file([activ_cites_row()]))
    assert "correspond à plusieurs fiches" in response.text
    for organisation in (first, second):
        assert reverse("admin:directory_organisation_change", args=[organisation.pk]) in response.text
    assert "confirm_form" not in response.context


def test_the_same_name_under_another_siren_is_another_body(administrator_client, lille):
    base = "41234567"
    OrganisationFactory(name="Activ'Cités", slug="activ-cites", commune=lille, siren=base + luhn.calc_check_digit(base))
    other = "51234567"
    row = activ_cites_row(slug="activ-cites-nord", siren=other + luhn.calc_check_digit(other))
    confirm(administrator_client, preview(administrator_client, csv_file([row])))
    assert Organisation.objects.count() == 2


def test_reimporting_an_unchanged_file_changes_nothing_and_writes_no_history(administrator_client, lille):
    rows = [activ_cites_row(telephone="03 20 00 00 00"), {**activ_cites_row(), "nom": "Maillage", "slug": ""}]
    confirm(administrator_client, preview(administrator_client, csv_file(rows)))
    assert Organisation.objects.count() == 2
    histories = {o.slug: o.history.count() for o in Organisation.objects.all()}
    updated = {o.slug: o.updated_at for o in Organisation.objects.all()}

    again = preview(administrator_client, csv_file(rows))
    assert "0 nouvelle(s) fiche(s), 0 mise(s) à jour, 2 ligne(s) inchangée(s)" in " ".join(again.text.split())
    confirm(administrator_client, again)
    assert {o.slug: o.history.count() for o in Organisation.objects.all()} == histories
    assert {o.slug: o.updated_at for o in Organisation.objects.all()} == updated


def test_a_file_repeating_existing_organisations_creates_none(administrator_client, lille):
    for name in ("Activ'Cités", "La Ressourcerie", "Maillage"):
        OrganisationFactory(name=name, commune=lille, postal_code="59000")
    # What staff typically paste: names in another spelling, no slug, the commune by name.
    rows = [
        {"slug": "", "nom": name, "siren": "", "code_postal": "59000", "code_insee": "", "commune": "lille"}
        for name in ("ACTIV CITES", "la ressourcerie", "Maillage")
    ]
    response = preview(administrator_client, xlsx_file(rows))
    assert "Nouvelle fiche" not in response.text
    confirm(administrator_client, response)
    assert Organisation.objects.count() == 3


def test_the_organisations_of_a_commune_are_read_once_per_import(lille):
    """matches() and the near-duplicate check share one read of the commune's organisations, not 2 per row."""
    OrganisationFactory(name="La Ressourcerie", commune=lille, postal_code="59000")
    rows = [activ_cites_row(nom=f"Atelier numéro {number}", slug=f"atelier-{number}") for number in range(6)]
    dataset = tablib.Dataset(*[[row.get(column, "") for column in COLUMNS] for row in rows], headers=COLUMNS)
    same_commune = re.compile(r'FROM "directory_organisation" .*WHERE .*"directory_organisation"\."commune_id" = ')
    with CaptureQueriesContext(connection) as queries:
        result = OrganisationResource().import_data(dataset, dry_run=True, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 6
    assert len([q for q in queries.captured_queries if same_commune.search(q["sql"])]) == 1


def test_a_row_finds_the_record_an_earlier_row_of_the_file_created(administrator_client, lille):
    rows = [activ_cites_row(nom="Maillage", slug="maillage"), activ_cites_row(nom="MAILLAGE", slug="maillage-lille")]
    response = preview(administrator_client, csv_file(rows))
    assert "1 nouvelle(s) fiche(s), 1 mise(s) à jour" in " ".join(response.text.split())
    confirm(administrator_client, response)
    assert list(Organisation.objects.values_list("slug", flat=True)) == ["maillage-lille"]


def test_a_close_name_created_earlier_in_the_file_is_flagged(administrator_client, lille):
    rows = [activ_cites_row(nom="Ressourcerie de Lille", slug=""), activ_cites_row(nom="Ressourcerie Lille", slug="")]
    response = preview(administrator_client, csv_file(rows))
    assert "Ligne 2 : « Ressourcerie Lille » ressemble peut-être à une fiche existante" in response.text


def test_the_format_is_read_from_the_file(administrator_client, lille):
    response = preview(administrator_client, xlsx_file([activ_cites_row()]))
    assert "Nouvelle fiche" in response.text  # read as XLSX although named .dat and no format chosen
    response = preview(administrator_client, csv_file([activ_cites_row()], prefix="\ufeff"))
    assert "Nouvelle fiche" in response.text  # a BOM is not part of the first column's name


def test_an_invalid_postal_code_is_refused_on_its_row_and_column(administrator_client, lille):
    response = preview(administrator_client, csv_file([activ_cites_row(code_postal="ABCDE")]))
    assert "Ligne 1" in response.text
    assert "colonne <code>code_postal</code>" in response.text
    assert "n&#x27;est pas un code postal" in response.text
    assert "confirm_form" not in response.context


def test_a_formula_is_refused(administrator_client, lille):
    response = preview(administrator_client, csv_file([activ_cites_row(telephone='=HYPERLINK("http://x")')]))
    assert "Formule de tableur refusée dans la colonne telephone" in response.text
    assert "confirm_form" not in response.context


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_staff_download_an_import_template(administrator_client, extension):
    response = administrator_client.get(reverse("admin:directory_organisation_import_template", args=[extension]))
    assert response.status_code == 200
    assert f"modele-import-organisations.{extension}" in response["Content-Disposition"]
    if extension == "csv":
        header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert header[:3] == ["slug", "nom", "type"]
    assert {"siren", "siret", "code_postal", "code_insee", "commune"} <= set(header)


def test_import_template_is_for_staff_only(client):
    url = reverse("admin:directory_organisation_import_template", args=["csv"])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_unknown_template_format_is_a_404(administrator_client):
    url = reverse("admin:directory_organisation_import_template", args=["ods"])
    assert administrator_client.get(url).status_code == 404
