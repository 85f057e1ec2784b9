"""Import of organisations from CSV and XLSX through the admin: dry-run preview, row errors, idempotence."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from stdnum import luhn

from directory.models import Organisation
from tests.data_versions import data_version_writes, seen_elsewhere
from tests.factories import CommuneFactory, DepartmentFactory, OrganisationFactory, SectorFactory

pytestmark = pytest.mark.django_db

HEADERS = ["slug", "nom", "type", "siren", "adresse", "code_postal", "code_insee", "commune", "secteurs", "adherent"]
CSV_FORMAT, XLSX_FORMAT = "0", "1"


def valid_siren(base="42345678"):
    return base + luhn.calc_check_digit(base)


@pytest.fixture
def places(db):
    valenciennes = CommuneFactory(insee_code="59606", name="Valenciennes", slug="valenciennes", postal_codes=["59300"])
    pas_de_calais = DepartmentFactory(code="62", name="Pas-de-Calais", slug="pas-de-calais")
    loos = CommuneFactory(
        insee_code="62528",
        name="Loos-en-Gohelle",
        slug="loos-en-gohelle",
        postal_codes=["62750"],
        department=pas_de_calais,
    )
    SectorFactory(slug="insertion", name="Insertion")
    SectorFactory(slug="reemploi", name="Réemploi")
    return {"valenciennes": valenciennes, "loos": loos}


def good_rows():
    return [
        {
            "slug": "chantier-ecole-valenciennois",
            "nom": "Chantier-école du Valenciennois",
            "type": "insertion",
            "siren": valid_siren(),
            "adresse": "12 rue des Ateliers",
            "code_postal": "59300",
            "code_insee": "59606",
            "commune": "",
            "secteurs": "insertion",
            "adherent": "oui",
        },
        {
            # no slug, no SIREN, commune by name + postal code, kind by its French label
            "slug": "",
            "nom": "Ressourcerie de Loos",
            "type": "Association",
            "siren": "",
            "adresse": "",
            "code_postal": "62750",
            "code_insee": "",
            "commune": "loos en gohelle",
            "secteurs": "reemploi;insertion",
            "adherent": "non",
        },
    ]


def as_csv(rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADERS)
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("organisations.csv", buffer.getvalue().encode(), content_type="text/csv")


def as_xlsx(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row[column] for column in HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        "organisations.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def dry_run(client, upload, file_format):
    return client.post(
        reverse("admin:directory_organisation_import"),
        {"import_file": upload, "format": file_format, "resource": "0"},
    )


def import_file(client, upload, file_format):
    """Dry run, then confirm: what a staff member does in two clicks."""
    preview = dry_run(client, upload, file_format)
    assert preview.status_code == 200
    assert "confirm_form" in preview.context, preview.text[-3000:]
    confirm_form = preview.context["confirm_form"]
    response = client.post(reverse("admin:directory_organisation_process_import"), confirm_form.initial, follow=True)
    assert response.status_code == 200
    return response


def snapshot():
    return sorted(
        (
            o.slug,
            o.name,
            o.kind,
            o.siren,
            o.commune.insee_code,
            o.is_member,
            tuple(o.sectors.values_list("slug", flat=True).order_by("slug")),
        )
        for o in Organisation.objects.select_related("commune")
    )


def test_import_page_documents_the_columns(administrator_client):
    response = administrator_client.get(reverse("admin:directory_organisation_import"))
    assert response.status_code == 200
    for column in ("slug", "nom", "siren", "code_insee", "code_postal", "secteurs", "adherent"):
        assert column in response.text


@pytest.mark.parametrize("builder, file_format", [(as_csv, CSV_FORMAT), (as_xlsx, XLSX_FORMAT)])
def test_dry_run_reports_a_bad_row_and_writes_nothing(administrator_client, places, builder, file_format):
    rows = good_rows()
    rows[1]["code_insee"] = "99999"
    rows[1]["commune"] = ""
    response = dry_run(administrator_client, builder(rows), file_format)
    assert response.status_code == 200
    assert "Aucune commune n&#x27;a le code INSEE « 99999 »." in response.text
    assert "confirm_form" not in response.context  # cannot be confirmed until fixed
    assert Organisation.objects.count() == 0  # not even the good row


def test_dry_run_reports_an_invalid_siren_and_unknown_sector(administrator_client, places):
    rows = good_rows()
    rows[0]["siren"] = "123456789"
    rows[1]["secteurs"] = "jardinage"
    response = dry_run(administrator_client, as_csv(rows), CSV_FORMAT)
    assert "Ce numéro SIREN n&#x27;est pas valide" in response.text
    assert "Secteur(s) inconnu(s) : jardinage." in response.text
    assert Organisation.objects.count() == 0


def test_dry_run_alone_writes_nothing(administrator_client, places):
    response = dry_run(administrator_client, as_csv(good_rows()), CSV_FORMAT)
    assert "confirm_form" in response.context
    assert Organisation.objects.count() == 0


@pytest.mark.parametrize("builder, file_format", [(as_csv, CSV_FORMAT), (as_xlsx, XLSX_FORMAT)])
def test_good_file_creates_then_updates_the_same_records(administrator_client, places, builder, file_format):
    import_file(administrator_client, builder(good_rows()), file_format)
    assert Organisation.objects.count() == 2
    first = snapshot()
    loos = Organisation.objects.get(name="Ressourcerie de Loos")
    assert loos.slug == "ressourcerie-de-loos"
    assert loos.commune == places["loos"]
    assert loos.kind == Organisation.Kind.ASSOCIATION
    chantier = Organisation.objects.get(slug="chantier-ecole-valenciennois")
    assert chantier.commune == places["valenciennes"]
    assert chantier.is_member

    import_file(administrator_client, builder(good_rows()), file_format)  # same file again
    assert snapshot() == first

    rows = good_rows()
    rows[0]["slug"] = "nouveau-slug"  # matched by SIREN all the same
    rows[0]["nom"] = "Chantier-école du Valenciennois (Scic)"
    rows[1]["adherent"] = "oui"
    import_file(administrator_client, builder(rows), file_format)
    assert Organisation.objects.count() == 2
    chantier.refresh_from_db()
    assert chantier.name == "Chantier-école du Valenciennois (Scic)"
    loos.refresh_from_db()
    assert loos.is_member
    assert chantier.history.count() == 2  # imports are in the change history


def test_import_warns_about_a_likely_duplicate(administrator_client, places):
    existing = OrganisationFactory(name="Ressourcerie Loos", commune=places["loos"])
    response = dry_run(administrator_client, as_csv(good_rows()), CSV_FORMAT)
    assert "ressemble peut-être à une fiche existante" in response.text
    assert reverse("admin:directory_organisation_change", args=[existing.pk]) in response.text


def test_ambiguous_commune_name_asks_for_postal_code(administrator_client, places):
    CommuneFactory(insee_code="59999", name="Loos-en-Gohelle", slug="homonyme", postal_codes=["59120"])
    rows = good_rows()[1:]
    rows[0]["code_postal"] = ""
    response = dry_run(administrator_client, as_csv(rows), CSV_FORMAT)
    assert "précisez le code postal ou le code INSEE" in response.text


def test_export_then_import_round_trip(administrator_client, places):
    import_file(administrator_client, as_csv(good_rows()), CSV_FORMAT)
    before = snapshot()
    from directory.resources import OrganisationResource

    exported = OrganisationResource().export().csv
    upload = SimpleUploadedFile("export.csv", exported.encode(), content_type="text/csv")
    import_file(administrator_client, upload, CSV_FORMAT)
    assert snapshot() == before


def test_export_query_count_does_not_grow_with_rows(places, django_assert_max_num_queries):
    """select_related/prefetch_related: the commune and sector columns cost no query per organisation."""
    from directory.resources import OrganisationResource

    OrganisationFactory.create_batch(30, commune=places["loos"])
    with django_assert_max_num_queries(4):
        dataset = OrganisationResource().export(Organisation.objects.all())
    assert len(dataset) == 30


@pytest.mark.parametrize("count", [2, 12])
def test_an_import_writes_the_data_version_once_whatever_its_size(administrator_client, places, count):
    rows = [
        {**good_rows()[1], "nom": f"Ressourcerie numéro {number}", "slug": f"ressourcerie-{number}"}
        for number in range(count)
    ]
    preview = dry_run(administrator_client, as_csv(rows), CSV_FORMAT)
    before = seen_elsewhere()
    with data_version_writes() as writes:
        administrator_client.post(
            reverse("admin:directory_organisation_process_import"), preview.context["confirm_form"].initial
        )
    assert Organisation.objects.count() == count
    assert len(writes) == 1
    assert seen_elsewhere() != before  # the map and the list of another worker show the new rows
