"""Searching the way people speak: the commune by name or code, "Autour de" a radius, the suggestions."""

import csv
import io
import json

import pytest
from django.urls import reverse

from directory.filters import OrganisationFilterSet
from territories.models import Commune
from tests.factories import CommuneFactory, DepartmentFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("directory:organisation-list")
GEOJSON_URL = reverse("directory:organisation-geojson")
CSV_URL = reverse("directory:organisation-export-csv")
SUGGEST_URL = reverse("directory:commune-suggestions")


def shown(response):
    return [organisation.name for organisation in response.context["organisations"]]


@pytest.fixture
def artois(db):
    """Lens and its neighbours (real positions), Saint-Omer, two Marly, and Équihen-Plage (INSEE code 62300)."""
    nord = DepartmentFactory(code="59", name="Nord", slug="nord")
    pdc = DepartmentFactory(code="62", name="Pas-de-Calais", slug="pas-de-calais")

    def commune(insee, name, postal, lat, lon, population, department=pdc):
        return CommuneFactory(
            insee_code=insee,
            name=name,
            slug=f"{name.lower()}-{insee}",
            postal_codes=postal,
            latitude=lat,
            longitude=lon,
            population=population,
            department=department,
        )

    places = {
        "lens": commune("62498", "Lens", ["62300"], 50.4322, 2.8277, 30000),
        "annay": commune("62032", "Annay", ["62880"], 50.4625, 2.8822, 4000),  # about 5 km away
        "loison": commune("62523", "Loison-sous-Lens", ["62218"], 50.4375, 2.8590, 5000),
        "equihen": commune("62300", "Équihen-Plage", ["62224"], 50.6742, 1.5700, 3000),  # 95 km away
        "saint_omer": commune("62765", "Saint-Omer", ["62500"], 50.7500, 2.2522, 14000),
        "marly_59": commune("59383", "Marly", ["59770"], 50.3458, 3.5492, 11000, department=nord),
        "marly_02": commune(
            "02466",
            "Marly",
            ["02120"],
            49.8653,
            3.8050,
            500,
            department=DepartmentFactory(code="02", name="Aisne", slug="aisne"),
        ),
        "lens_other": commune("62999", "Lens-Nord", ["62300"], 50.44, 2.83, 100),
    }
    OrganisationFactory(name="Épicerie solidaire du Grand Lens", slug="epicerie-lens", commune=places["lens"])
    OrganisationFactory(name="Épicerie d'Annay", slug="epicerie-annay", commune=places["annay"])
    OrganisationFactory(name="Garage de Loison", slug="garage-loison", commune=places["loison"])
    OrganisationFactory(name="Épicerie de la côte", slug="epicerie-equihen", commune=places["equihen"])
    OrganisationFactory(name="Tiers-lieu audomarois", slug="tiers-lieu", commune=places["saint_omer"])
    OrganisationFactory(name="Recyclerie de Marly", slug="recyclerie-marly", commune=places["marly_59"])
    OrganisationFactory(name="Jardin de Marly", slug="jardin-marly", commune=places["marly_02"])
    return places


@pytest.mark.parametrize("typed", ["Lens", "lens", "LENS", "62498"])
def test_the_commune_filter_takes_a_name_or_an_insee_code(visitor, artois, typed):
    response = visitor.get(LIST_URL, {"commune": typed})
    assert response.status_code == 200
    assert shown(response) == ["Épicerie solidaire du Grand Lens"]


def test_a_name_without_hyphen_or_accent_finds_the_town(visitor, artois):
    assert shown(visitor.get(LIST_URL, {"commune": "saint omer"})) == ["Tiers-lieu audomarois"]
    assert shown(visitor.get(LIST_URL, {"commune": "equihen plage"})) == ["Épicerie de la côte"]


def test_a_postal_code_is_read_as_a_postal_code(visitor, artois):
    response = visitor.get(LIST_URL, {"commune": "62300"})
    assert response.status_code == 200
    # Lens and Lens-Nord have the postal code 62300; Équihen-Plage (INSEE 62300) comes last among the choices.
    names = [c["commune"].name for c in response.context["filterset"].commune_candidates()]
    assert names == ["Lens", "Lens-Nord", "Équihen-Plage"]


def test_homonyms_are_listed_with_their_department_not_refused(visitor, artois):
    response = visitor.get(LIST_URL, {"commune": "marly"})
    assert response.status_code == 200
    assert sorted(shown(response)) == ["Jardin de Marly", "Recyclerie de Marly"]
    body = response.content.decode()
    assert "Plusieurs communes correspondent à « marly »" in body
    assert "Marly (Nord, 59770)" in body
    assert "?commune=59383" in body


def test_an_unknown_commune_is_a_400_with_a_french_message(visitor, artois):
    response = visitor.get(LIST_URL, {"commune": "Atlantide"})
    assert response.status_code == 400
    assert "Aucune commune ne correspond à « Atlantide »" in response.content.decode()


def test_a_search_with_the_town_name_finds_its_organisations(visitor, artois):
    names = shown(visitor.get(LIST_URL, {"q": "épicerie lens"}))
    assert names[0] == "Épicerie solidaire du Grand Lens"
    assert "Épicerie de la côte" not in names


@pytest.mark.parametrize("sort", [None, "pertinence"])  # the form always sends its sort: relevance is distance
def test_around_a_commune_sorted_by_distance_with_the_distance_shown(visitor, artois, sort):
    query = {"commune": "Lens", "autour": "10", **({"sort": sort} if sort else {})}
    response = visitor.get(LIST_URL, query)
    assert response.status_code == 200
    assert shown(response) == ["Épicerie solidaire du Grand Lens", "Garage de Loison", "Épicerie d'Annay"]
    body = response.content.decode()
    assert "à moins d'1 km" in body and "à 2 km" in body and "à 5 km" in body
    assert "Autour de la commune : 10 km" in body


def test_around_means_the_same_on_the_list_the_map_data_and_the_csv(visitor, artois):
    query = {"commune": "lens", "autour": "10"}
    features = json.loads(visitor.get(GEOJSON_URL, query).content)["features"]
    assert {feature["id"] for feature in features} == {"epicerie-lens", "epicerie-annay", "garage-loison"}
    raw = b"".join(visitor.get(CSV_URL, query).streaming_content).decode("utf-8")[1:]
    assert {row["nom"] for row in csv.DictReader(io.StringIO(raw), delimiter=";")} == {
        "Épicerie solidaire du Grand Lens",
        "Épicerie d'Annay",
        "Garage de Loison",
    }
    assert visitor.get(reverse("directory:map"), query).status_code == 200


def test_around_the_visitors_position(visitor, artois):
    response = visitor.get(LIST_URL, {"autour": "5", "lat": "50.4625", "lon": "2.8822"})
    assert shown(response)[0] == "Épicerie d'Annay"
    assert "Épicerie de la côte" not in shown(response)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"commune": "lens", "autour": "dix"}, "Le rayon doit être 5, 10, 20 ou 50 km."),
        ({"commune": "lens", "autour": "15"}, "Le rayon doit être 5, 10, 20 ou 50 km."),
        ({"autour": "10"}, "indiquez une commune ou utilisez votre position"),
        ({"commune": "marly", "autour": "10"}, "choisissez-en une pour chercher autour"),
        ({"autour": "10", "lat": "45.76", "lon": "4.83"}, "hors des Hauts-de-France"),
        ({"autour": "10", "lat": "50.4"}, "la latitude et la longitude"),
        ({"autour": "10", "lat": "nord", "lon": "2.3"}, "Saisissez un nombre"),
    ],
)
def test_bad_radius_input_is_a_400_everywhere(visitor, artois, params, message):
    for url in (LIST_URL, GEOJSON_URL):
        response = visitor.get(url, params)
        assert response.status_code == 400
        assert message in response.content.decode()


def test_around_keeps_a_fixed_query_count(visitor, artois, django_assert_num_queries):
    """The commune lookup and the radius add queries of their own, never one per organisation."""
    OrganisationFactory.create_batch(5, commune=artois["annay"])
    with django_assert_num_queries(1 + 1 + 1):  # the data version, the commune lookup (with its department), the points
        visitor.get(GEOJSON_URL, {"commune": "Lens", "autour": "10"})


# --- suggestions ---------------------------------------------------------------------------------


def suggestions(client, text):
    response = client.get(SUGGEST_URL, {"q": text})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [item["nom"] for item in json.loads(response.content)["communes"]]


def test_suggestions_put_the_exact_name_first(visitor, artois):
    assert suggestions(visitor, "lens")[:2] == ["Lens", "Lens-Nord"]
    assert "Loison-sous-Lens" in suggestions(visitor, "lens")
    assert suggestions(visitor, "saint om") == ["Saint-Omer"]
    assert suggestions(visitor, "") == []


def test_suggestions_by_postal_code_come_before_insee_codes(visitor, artois):
    assert suggestions(visitor, "62300") == ["Lens", "Lens-Nord", "Équihen-Plage"]


def test_a_suggestion_label_is_read_back_by_the_filter(visitor, artois):
    label = json.loads(visitor.get(SUGGEST_URL, {"q": "marly"}).content)["communes"][0]["label"]
    assert label == "Marly (59770)"
    assert shown(visitor.get(LIST_URL, {"commune": label})) == ["Recyclerie de Marly"]


def test_suggestions_query_count_is_fixed(visitor, artois, django_assert_num_queries):
    """The data version, then names ranked in Python from one query and the chosen communes read in one more;
    the same text again is served from the cache, without a query."""
    with django_assert_num_queries(3):
        first = suggestions(visitor, "lens")
    with django_assert_num_queries(0):
        assert suggestions(visitor, "lens") == first


def test_a_single_start_of_a_name_is_taken(artois):
    assert Commune.objects.lookup("saint-o").commune == artois["saint_omer"]


def test_admin_autocomplete_offers_the_exact_name_first(administrator_client, artois):
    response = administrator_client.get(
        reverse("admin:autocomplete"),
        {"term": "Lens", "app_label": "directory", "model_name": "organisation", "field_name": "commune"},
    )
    assert [item["text"] for item in response.json()["results"]][:2] == ["Lens (62)", "Lens-Nord (62)"]


def test_a_search_around_a_place_with_more_matches_than_listed_keeps_the_distance(visitor, artois, monkeypatch):
    """Past the listed matches (1,000 in production, 1 here), the most recently added ones within the radius,
    nearest first, each with its distance."""
    monkeypatch.setattr(OrganisationFilterSet, "search_listed", 1)
    response = visitor.get(LIST_URL, {"q": "epicerie", "commune": "lens", "autour": "20"})
    assert response.status_code == 200
    assert shown(response) == ["Épicerie d'Annay"]  # added after the one in Lens; the coast's is 95 km away
    body = response.content.decode()
    assert "à 5 km" in body
