"""Geocoding with the IGN's Géoplateforme (one address, or a batch through its CSV endpoint), against a local
stub server (never the internet)."""

import csv
import io
import os
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apes_portal import settings as app_settings
from core import throttle
from directory import geocoding
from directory.checks import deprecated_geocoder_settings
from directory.models import CheckFinding, Organisation
from tests.directory.conftest import NOT_FOUND, ban_feature, csv_result
from tests.directory.test_admin_import import import_file
from tests.factories import CommuneFactory, OrganisationFactory
from tests.formdata import form_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def saint_saulve(db):
    return CommuneFactory(insee_code="59544", name="Saint-Saulve", slug="saint-saulve", postal_codes=["59880"])


def geocode_action(client, organisations):
    return client.post(
        reverse("admin:directory_organisation_changelist"),
        {"action": "geocode", "_selected_action": [o.pk for o in organisations]},
        follow=True,
    )


def test_action_places_organisations_and_stores_the_insee_code(administrator_client, ban_stub, commune, saint_saulve):
    organisation = OrganisationFactory(address="10 rue Jean Jaurès", postal_code="59880", commune=commune)
    assert organisation.location_is_approximate
    ban_stub.respond_csv = lambda row: csv_result(50.3721, 3.5569, "59544", "10 Rue Jean Jaurès 59880 Saint-Saulve")

    response = geocode_action(administrator_client, [organisation])
    assert "1 organisation(s) placée(s) à leur adresse." in response.text

    organisation.refresh_from_db()
    assert (organisation.latitude, organisation.longitude) == (50.3721, 3.5569)
    assert organisation.commune == saint_saulve  # from the INSEE code returned
    assert not organisation.location_is_approximate
    assert organisation.geocoding_score == 0.9
    assert organisation.history.first().history_change_reason == "Géocodage (Géoplateforme de l'IGN)"
    [sent] = ban_stub.csv_requests
    assert sent["path"] == "/search/csv"
    assert sent["form"] == {"columns": ["adresse", "code_postal", "commune"], "postcode": ["code_postal"]}
    assert sent["rows"] == [
        {"id": str(organisation.pk), "adresse": "10 rue Jean Jaurès", "code_postal": "59880", "commune": commune.name}
    ]
    assert ban_stub.requests == []  # no one-by-one search


def test_action_reports_addresses_not_found_and_missing(administrator_client, ban_stub):
    unknown = OrganisationFactory(name="Adresse inconnue", address="nulle part", postal_code="59300")
    without = OrganisationFactory(address="")
    before = (unknown.latitude, unknown.longitude)
    response = geocode_action(administrator_client, [unknown, without])
    assert "Adresse introuvable pour : Adresse inconnue." in response.text
    assert "1 organisation(s) sans adresse, ignorée(s)." in response.text
    unknown.refresh_from_db()
    assert (unknown.latitude, unknown.longitude) == before
    assert [row["id"] for row in ban_stub.csv_requests[0]["rows"]] == [str(unknown.pk)]  # not the empty address


def test_low_score_does_not_move_the_point(ban_stub):
    organisation = OrganisationFactory(address="rue", postal_code="59300")
    ban_stub.respond = lambda query: ban_feature(48.0, 2.0, "75056", score=0.2)
    assert geocoding.geocode_organisation(organisation) is None
    organisation.refresh_from_db()
    assert organisation.latitude != 48.0


def test_service_down_is_a_message_not_an_error(administrator_client, ban_down):
    first = OrganisationFactory(address="1 rue de Paris", postal_code="59300")
    second = OrganisationFactory(address="2 rue de Paris", postal_code="59300")
    response = geocode_action(administrator_client, [first, second])
    assert response.status_code == 200
    assert "ne répond pas : 2 organisation(s) non géocodée(s), laissée(s) telle(s) quelle(s)" in response.text


def test_garbage_answer_counts_as_unavailable(ban_stub):
    ban_stub.respond = lambda query: b"<html>maintenance</html>"
    with pytest.raises(geocoding.GeocodingUnavailable):
        geocoding.geocode_address("1 rue de Paris", "59000", "Lille")


def test_save_with_geocoding_when_the_service_is_down_is_not_blocked(administrator_client, ban_down, organisation):
    url = reverse("admin:directory_organisation_change", args=[organisation.pk])
    data = form_values(administrator_client.get(url).text, "organisation_form")
    data.update({"address": "5 place du Marché", "geocode_on_save": "on"})
    response = administrator_client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "la fiche est enregistrée, mais le point n&#x27;a pas été déplacé" in response.text
    assert "Géoplateforme" in response.text
    organisation.refresh_from_db()
    assert organisation.address == "5 place du Marché"


def test_save_with_geocoding_places_the_point(administrator_client, ban_stub, organisation):
    ban_stub.respond = lambda query: ban_feature(50.36, 3.52, organisation.commune.insee_code, "5 Place du Marché")
    url = reverse("admin:directory_organisation_change", args=[organisation.pk])
    data = form_values(administrator_client.get(url).text, "organisation_form")
    data.update({"address": "5 place du Marché", "geocode_on_save": "on"})
    response = administrator_client.post(url, data, follow=True)
    assert "Point placé à l&#x27;adresse « 5 Place du Marché »" in response.text
    organisation.refresh_from_db()
    assert (organisation.latitude, organisation.longitude) == (50.36, 3.52)
    assert not organisation.location_is_approximate


def test_every_request_goes_through_the_limiter(ban_stub, monkeypatch, settings):
    settings.GEOCODER_MAX_REQUESTS_PER_SECOND = 50
    calls = []
    limiter = throttle.limiter("geocoder", 50)
    monkeypatch.setattr(limiter, "wait", lambda: calls.append(1))
    for number in range(3):
        geocoding.geocode_address(f"{number} rue de Lille", "59000", "Lille")
    assert len(calls) == 3
    assert Organisation.objects.count() == 0


def test_one_request_carries_the_whole_selection_up_to_the_row_limit(ban_stub, settings):
    settings.GEOCODER_CSV_MAX_ROWS = 2
    organisations = [OrganisationFactory(address=f"{number} rue de Lille", postal_code="59000") for number in range(5)]
    ban_stub.respond_csv = lambda row: csv_result(50.6, 3.0, "", score=0.95)
    report = geocoding.geocode_organisations(Organisation.objects.select_related("commune"))
    assert [len(sent["rows"]) for sent in ban_stub.csv_requests] == [2, 2, 1]
    assert report.requests == 3
    assert sorted(o.pk for o in report.located) == sorted(o.pk for o in organisations)


def test_low_scores_are_placed_but_flagged_for_review(administrator_client, ban_stub):
    doubtful = OrganisationFactory(name="Adresse douteuse", address="route de la gare", postal_code="59300")
    weak = OrganisationFactory(name="Trop incertaine", address="lieu-dit", postal_code="59300")
    scores = {str(doubtful.pk): 0.6, str(weak.pk): 0.3}
    ban_stub.respond_csv = lambda row: csv_result(50.35, 3.52, "", "Route de la Gare", score=scores[row["id"]])
    response = geocode_action(administrator_client, [doubtful, weak])
    assert "Score faible, à vérifier" in response.text and "Adresse douteuse" in response.text
    assert "Adresse introuvable pour : Trop incertaine." in response.text
    doubtful.refresh_from_db()
    assert (doubtful.latitude, doubtful.geocoding_score) == (50.35, 0.6)
    finding = CheckFinding.objects.get()
    assert (finding.organisation, finding.kind) == (doubtful, CheckFinding.Kind.LOW_GEOCODING_SCORE)
    assert finding.evidence == {
        "adresse_envoyee": "route de la gare",
        "adresse_trouvee": "Route de la Gare",
        "score": 0.6,
    }
    weak.refresh_from_db()
    assert weak.geocoding_score is None and weak.location_is_approximate


@pytest.mark.parametrize("status", [429, 503])
def test_a_refusing_service_leaves_every_record_as_it_was(administrator_client, ban_stub, status):
    organisation = OrganisationFactory(name="En attente", address="1 rue de Paris", postal_code="59300")
    before = Organisation.objects.values().get(pk=organisation.pk)
    ban_stub.csv_status = status
    response = geocode_action(administrator_client, [organisation])
    assert response.status_code == 200
    assert "1 organisation(s) non géocodée(s), laissée(s) telle(s) quelle(s) (En attente)" in response.text
    assert Organisation.objects.values().get(pk=organisation.pk) == before


def test_rows_the_service_drops_or_does_not_find_are_reported(ban_stub):
    found = OrganisationFactory(address="1 rue de Paris", postal_code="59300")
    missing = OrganisationFactory(address="2 rue de Paris", postal_code="59300")
    ban_stub.respond_csv = lambda row: csv_result(50.3, 3.5, "") if row["id"] == str(found.pk) else NOT_FOUND
    report = geocoding.geocode_organisations(Organisation.objects.select_related("commune"))
    assert [o.pk for o in report.located] == [found.pk]
    assert [o.pk for o in report.not_found] == [missing.pk]


def test_the_default_endpoint_is_the_geoplateforme():
    """A fresh process with no geocoder variable set reads the IGN's endpoint."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GEOCODER_", "BAN_"))}
    code = "from apes_portal import settings; print(settings.GEOCODER_API_URL, settings.GEOCODER_DEPRECATED_SETTINGS)"
    output = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert output.strip() == "https://data.geopf.fr/geocodage/search []"


def test_old_ban_settings_are_read_for_one_release_with_a_warning(monkeypatch, settings):
    monkeypatch.delenv("GEOCODER_TIMEOUT_SECONDS", raising=False)
    monkeypatch.setenv("BAN_TIMEOUT_SECONDS", "7")
    monkeypatch.setattr(app_settings, "GEOCODER_DEPRECATED_SETTINGS", [])
    assert app_settings._geocoder_env("TIMEOUT_SECONDS", 3, int) == 7
    settings.GEOCODER_DEPRECATED_SETTINGS = app_settings.GEOCODER_DEPRECATED_SETTINGS
    [warning] = deprecated_geocoder_settings(None)
    assert warning.id == "directory.W001"
    assert "BAN_TIMEOUT_SECONDS" in warning.msg and "GEOCODER_TIMEOUT_SECONDS" in warning.hint
    monkeypatch.setenv("GEOCODER_TIMEOUT_SECONDS", "4")
    assert app_settings._geocoder_env("TIMEOUT_SECONDS", 3, int) == 4  # the new name wins


def test_a_confirmed_import_geocodes_its_rows_in_one_batch(administrator_client, ban_stub, settings):
    settings.GEOCODER_GEOCODE_IMPORTS = True
    CommuneFactory(insee_code="59606", name="Valenciennes", slug="valenciennes", postal_codes=["59300"])
    rows = [
        {"nom": "Atelier vélo", "type": "association", "adresse": "3 rue du Quesnoy", "code_postal": "59300"},
        {"nom": "Sans adresse", "type": "association", "adresse": "", "code_postal": "59300"},
    ]
    upload = io.StringIO()
    writer = csv.DictWriter(upload, fieldnames=[*rows[0], "code_insee"])
    writer.writeheader()
    writer.writerows({**row, "code_insee": "59606"} for row in rows)
    ban_stub.respond_csv = lambda row: csv_result(50.357, 3.525, "59606", "3 Rue du Quesnoy 59300 Valenciennes")
    response = import_file(administrator_client, SimpleUploadedFile("import.csv", upload.getvalue().encode()), "0")
    assert "1 organisation(s) placée(s) à leur adresse." in response.text
    [sent] = ban_stub.csv_requests
    assert [row["adresse"] for row in sent["rows"]] == ["3 rue du Quesnoy"]
    atelier = Organisation.objects.get(name="Atelier vélo")
    assert (atelier.latitude, atelier.longitude, atelier.location_is_approximate) == (50.357, 3.525, False)


# What saving one placed organisation costs: its UPDATE and its history row. The commune lookup and the
# chunk's single data-version bump are not in it.
PER_ORGANISATION = 2
# A chunk's own writes: its savepoint and release (the test runs in a transaction), and the one data-version
# bump (an INSERT between a SAVEPOINT and its RELEASE).
PER_CHUNK = 5


@pytest.mark.parametrize("count", [2, 6])
def test_a_batch_looks_its_communes_up_once(ban_stub, django_assert_num_queries, count):
    """Each row names another commune: one lookup for the batch, then each organisation's own writes."""
    communes = [CommuneFactory(insee_code=f"59{number:03d}") for number in range(count)]
    organisations = [OrganisationFactory(address=f"{number} rue de Lille") for number in range(count)]
    moved_to = {str(o.pk): c.insee_code for o, c in zip(organisations, communes, strict=True)}
    ban_stub.respond_csv = lambda row: csv_result(50.6, 3.0, moved_to[row["id"]], score=0.95)
    selection = list(Organisation.objects.select_related("commune").filter(pk__in=[o.pk for o in organisations]))
    with django_assert_num_queries(1 + PER_CHUNK + PER_ORGANISATION * count):
        report = geocoding.geocode_organisations(selection)
    assert len(report.located) == count
    assert {o.commune.insee_code for o in report.located} == {c.insee_code for c in communes}
