"""Geocoding with the Base Adresse Nationale, against a local stub server (never the internet)."""

import pytest
from django.urls import reverse

from directory import geocoding
from directory.models import Organisation
from tests.directory.conftest import ban_feature
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
    ban_stub.respond = lambda query: ban_feature(50.3721, 3.5569, "59544", "10 Rue Jean Jaurès 59880 Saint-Saulve")

    response = geocode_action(administrator_client, [organisation])
    assert "1 organisation(s) placée(s) à leur adresse." in response.text

    organisation.refresh_from_db()
    assert (organisation.latitude, organisation.longitude) == (50.3721, 3.5569)
    assert organisation.commune == saint_saulve  # from the INSEE code returned
    assert not organisation.location_is_approximate
    assert organisation.history.first().history_change_reason == "Géocodage (Base Adresse Nationale)"
    query = ban_stub.requests[0]
    assert query["q"] == [f"10 rue Jean Jaurès 59880 {commune.name}"]
    assert query["postcode"] == ["59880"]


def test_action_reports_addresses_not_found_and_missing(administrator_client, ban_stub):
    unknown = OrganisationFactory(name="Adresse inconnue", address="nulle part", postal_code="59300")
    without = OrganisationFactory(address="")
    before = (unknown.latitude, unknown.longitude)
    response = geocode_action(administrator_client, [unknown, without])
    assert "Adresse introuvable pour : Adresse inconnue." in response.text
    assert "1 organisation(s) sans adresse, ignorée(s)." in response.text
    unknown.refresh_from_db()
    assert (unknown.latitude, unknown.longitude) == before
    assert len(ban_stub.requests) == 1  # no request for an empty address


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
    assert "La Base Adresse Nationale ne répond pas" in response.text


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


def test_rate_limiter_spaces_requests_at_50_per_second(monkeypatch):
    """A fake clock: three calls at the same instant wait 0, 1/50 and 2/50 of a second."""
    now = [100.0]
    sleeps = []
    monkeypatch.setattr(geocoding.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(geocoding.time, "sleep", sleeps.append)
    limiter = geocoding.RateLimiter(50)
    for _ in range(3):
        limiter.wait()
    assert sleeps == pytest.approx([0.02, 0.04])
    now[0] += 1.0  # a second later, no wait
    limiter.wait()
    assert len(sleeps) == 2


def test_every_request_goes_through_the_limiter(ban_stub, monkeypatch, settings):
    settings.BAN_MAX_REQUESTS_PER_SECOND = 50
    calls = []
    limiter = geocoding._get_limiter()
    monkeypatch.setattr(limiter, "wait", lambda: calls.append(1))
    for number in range(3):
        geocoding.geocode_address(f"{number} rue de Lille", "59000", "Lille")
    assert len(calls) == 3
    assert Organisation.objects.count() == 0
