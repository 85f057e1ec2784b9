"""Open data for reusers: the Table Schema and real exports validated by frictionless, readable GeoJSON
(validated by geojson-pydantic, as the map's compact feed), the GoGoCarto feed and its refusals."""

import datetime
import json

import pytest
from django.urls import reverse
from frictionless import Detector, Dialect, Resource, Schema, formats
from geojson_pydantic import FeatureCollection

from directory.models import Organisation
from directory.schema import COLUMN_NAMES, SCHEMA_VERSION
from tests.factories import (
    CommuneFactory,
    DepartmentFactory,
    EpciFactory,
    OrganisationFactory,
    SectorFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

CSV_URL = reverse("directory:organisation-export-csv")
OPEN_GEOJSON_URL = reverse("directory:organisation-open-geojson")
MAP_GEOJSON_URL = reverse("directory:organisation-geojson")
GOGOCARTO_URL = reverse("directory:organisation-gogocarto")
SCHEMA_URL = reverse("directory:organisation-schema", args=[SCHEMA_VERSION])


@pytest.fixture
def actors(db):
    aisne = DepartmentFactory(code="02", name="Aisne", slug="aisne")
    epci = EpciFactory(siren="200071983", name="CA du Saint-Quentinois", department=aisne)
    saint_quentin = CommuneFactory(
        insee_code="02691", name="Saint-Quentin", department=aisne, epci=epci, latitude=49.84, longitude=3.29
    )
    lille = CommuneFactory(insee_code="59350", name="Lille", latitude=50.63199, longitude=3.04685)
    food = SectorFactory(slug="alimentation", name="Alimentation")
    theme = ThemeFactory(slug="production-locale", name="Production locale")
    ressourcerie = OrganisationFactory(
        name="Ressourcerie de l'Aisne",
        slug="ressourcerie",
        kind="insertion",
        siren="123456789",
        siret="12345678900012",
        address="12 rue de la Sellerie",
        postal_code="02100",
        commune=saint_quentin,
        latitude=49.846312,
        longitude=3.287654,
        location_is_approximate=False,
        website="https://ressourcerie.example.org",
        phone="+33 3 23 00 00 00",
        is_member=True,
        member_since="2015-03-01",
        email="secret@example.org",
        short_description="Collecte et revente d'objets.",
    )
    ressourcerie.sectors.add(food)
    ressourcerie.themes.add(theme)
    OrganisationFactory(name='=HYPERLINK("http://x")', slug="formule", commune=lille)
    OrganisationFactory(name="La boîte Atout", slug="atout", commune=lille, status="closed", closed_on="2021-01-01")
    OrganisationFactory(name="Cachée", slug="cachee", commune=lille, is_published=False)
    OrganisationFactory(name="Sans lieu", slug="sans-lieu", commune=None)
    return {"ressourcerie": ressourcerie}


def _body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _resource(visitor, directory, name):
    """The file as frictionless reads it against the schema the site publishes."""
    return Resource(
        path=name,
        basepath=str(directory),
        schema=Schema.from_descriptor(json.loads(visitor.get(SCHEMA_URL).content)),
        dialect=Dialect(controls=[formats.CsvControl(delimiter=";")]),
        encoding="utf-8-sig",
        detector=Detector(schema_sync=False),
    )


# --- Table Schema -------------------------------------------------------------------------------------


def test_schema_is_a_valid_table_schema_with_typed_codes(visitor):
    response = visitor.get(SCHEMA_URL)
    assert response.status_code == 200
    descriptor = json.loads(response.content)
    assert Schema.validate_descriptor(descriptor).valid
    fields = {field["name"]: field for field in descriptor["fields"]}
    assert list(fields) == COLUMN_NAMES
    assert descriptor["version"] == SCHEMA_VERSION
    assert descriptor["path"].endswith(SCHEMA_URL)
    for name in ("code_postal", "code_insee", "siren", "siret", "siren_epci"):
        assert fields[name]["type"] == "string"
        assert fields[name]["constraints"]["pattern"]
    assert fields["adherent_apes"]["type"] == "boolean"
    assert fields["adherent_depuis"]["type"] == "date"
    assert fields["code_postal"]["title"] == "Code postal"
    assert all(name.isascii() and name == name.lower() and " " not in name for name in fields)
    assert "courriel" not in fields  # revealed on request only, never exported


def test_latest_schema_is_the_current_version_and_an_unknown_one_is_a_404(visitor):
    latest = json.loads(visitor.get(reverse("directory:organisation-schema-latest")).content)
    assert latest["version"] == SCHEMA_VERSION
    response = visitor.get(reverse("directory:organisation-schema", args=["9.9.9"]))
    assert response.status_code == 404
    assert json.loads(response.content)["versions_acceptees"] == [SCHEMA_VERSION]


def test_the_exported_csv_passes_frictionless_against_the_published_schema(visitor, actors, tmp_path):
    """What `frictionless validate export.csv --schema schema.json` checks, on a real export."""
    (tmp_path / "export.csv").write_bytes(_body(visitor.get(CSV_URL)))
    resource = _resource(visitor, tmp_path, "export.csv")
    report = resource.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = resource.read_rows()
    by_id = {row["id"]: row for row in rows}
    ressourcerie = by_id["ressourcerie"]
    assert ressourcerie["code_postal"] == "02100"  # a string: the leading zero stays
    assert ressourcerie["code_insee"] == "02691"
    assert ressourcerie["siren_epci"] == "200071983"
    assert ressourcerie["adherent_apes"] is True
    assert ressourcerie["adherent_depuis"].isoformat() == "2015-03-01"
    assert "cachee" not in by_id and len(rows) == 4


def test_frictionless_rejects_a_csv_whose_code_lost_its_zero(visitor, actors, tmp_path):
    """The schema is no formality: a spreadsheet's "2100" for "02100" is reported."""
    text = _body(visitor.get(CSV_URL)).decode("utf-8-sig").replace(";02100;", ";2100;")
    (tmp_path / "edited.csv").write_text(text, encoding="utf-8")
    report = _resource(visitor, tmp_path, "edited.csv").validate()
    assert not report.valid
    assert [error.type for error in report.tasks[0].errors] == ["constraint-error"]


# --- readable GeoJSON ---------------------------------------------------------------------------------


def test_open_geojson_speaks_in_the_schema_names(visitor, actors):
    # Changed at 00:30 in France on 15 March, which is still 14 March in UTC.
    changed = datetime.datetime(2026, 3, 14, 23, 30, tzinfo=datetime.UTC)
    Organisation.objects.filter(pk=actors["ressourcerie"].pk).update(updated_at=changed)
    response = visitor.get(OPEN_GEOJSON_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.content)
    FeatureCollection.model_validate(document)
    by_id = {feature["id"]: feature for feature in document["features"]}
    assert set(by_id) == {"ressourcerie", "formule", "atout"}  # published and located only
    properties = by_id["ressourcerie"]["properties"]
    assert list(properties) == [name for name in COLUMN_NAMES if name not in ("latitude", "longitude")]
    assert properties["nom"] == "Ressourcerie de l'Aisne"
    assert properties["code_postal"] == "02100"
    assert properties["adherent_apes"] is True
    assert properties["position_approximative"] is False
    assert properties["lien_source"] == "http://testserver/annuaire/ressourcerie/"
    assert properties["date_maj"] == "2026-03-15"  # the day in France
    assert properties["forme_juridique"] is None  # empty is null, not ""
    assert by_id["ressourcerie"]["geometry"]["coordinates"] == [3.28765, 49.84631]
    assert "secret@example.org" not in response.content.decode()


def test_the_map_keeps_its_compact_feed_and_it_is_valid_geojson(visitor, actors):
    document = json.loads(visitor.get(MAP_GEOJSON_URL).content)
    FeatureCollection.model_validate(document)
    assert {feature["id"]: feature["properties"] for feature in document["features"]}["ressourcerie"] == {
        "n": "Ressourcerie de l'Aisne",
        "k": "insertion",
        "m": 1,
    }


def test_open_geojson_query_count_is_fixed_and_zero_when_cached(visitor, actors, django_assert_num_queries):
    """The data version, the organisations, then the ids of their sectors, themes and PTCEs (one query per 2,000
    rows each); the five small tables they name (sectors, themes, PTCEs, EPCI, departments) once per data version
    (directory/taxonomy.py). A cache hit touches no database."""
    with django_assert_num_queries(3 + 5):
        visitor.get(OPEN_GEOJSON_URL)
    with django_assert_num_queries(0):
        visitor.get(OPEN_GEOJSON_URL)


# --- GoGoCarto ----------------------------------------------------------------------------------------


def test_gogocarto_feed_has_the_documented_fields(visitor, actors):
    response = visitor.get(GOGOCARTO_URL)
    assert response.status_code == 200
    document = json.loads(response.content)
    assert "Licence Ouverte" in document["licence"]
    elements = {element["name"]: element for element in document["data"]}
    assert set(elements) == {"Ressourcerie de l'Aisne", '=HYPERLINK("http://x")', "La boîte Atout"}
    element = elements["Ressourcerie de l'Aisne"]
    assert set(element) == {
        "id",
        "name",
        "geo",
        "address",
        "categories",
        "description",
        "website",
        "url",
        "updatedAt",
        "sourceKey",
    }
    assert element["id"] == f"apes-hdf-{actors['ressourcerie'].pk}"
    assert element["geo"] == {"latitude": 49.84631, "longitude": 3.28765}
    assert element["address"] == {
        "streetAddress": "12 rue de la Sellerie",
        "addressLocality": "Saint-Quentin",
        "postalCode": "02100",
        "addressCountry": "FR",
    }
    assert element["categories"] == [
        "Structure d'insertion (SIAE)",
        "Alimentation",
        "Production locale",
        "Adhérent de l'Apes",
    ]
    assert element["description"] == "Collecte et revente d'objets."
    assert element["website"] == "https://ressourcerie.example.org"
    assert element["updatedAt"] == actors["ressourcerie"].updated_at.isoformat()
    assert element["sourceKey"] == "Apes Hauts-de-France"


def test_gogocarto_id_survives_a_rename(visitor, actors):
    before = json.loads(visitor.get(GOGOCARTO_URL, {"adherent": "oui"}).content)["data"][0]["id"]
    ressourcerie = actors["ressourcerie"]
    ressourcerie.name, ressourcerie.slug = "La Ressourcerie saint-quentinoise", "ressourcerie-sq"
    ressourcerie.save()
    after = json.loads(visitor.get(GOGOCARTO_URL, {"adherent": "oui"}).content)["data"]
    assert [(element["id"], element["name"]) for element in after] == [(before, "La Ressourcerie saint-quentinoise")]


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"departement": "02"}, {"Ressourcerie de l'Aisne"}),
        ({"status": "closed"}, {"La boîte Atout"}),
        ({"bounds": "3.0,49.5,3.5,50.0", "page": "2"}, {"Ressourcerie de l'Aisne"}),
        ({"bounds": "2.9,50.5,3.2,50.7", "sort": "nom"}, {"La boîte Atout", '=HYPERLINK("http://x")'}),
    ],
)
def test_gogocarto_honours_the_directory_filters_and_bounds(visitor, actors, params, names):
    document = json.loads(visitor.get(GOGOCARTO_URL, params).content)
    assert {element["name"] for element in document["data"]} == names


@pytest.mark.parametrize(
    ("url", "params", "message"),
    [
        (GOGOCARTO_URL, {"bounds": "3.5,49.5,3.0,50.0"}, "bounds"),  # west > east
        (GOGOCARTO_URL, {"bounds": "3.0,50.0,3.5,49.5"}, "bounds"),  # upside down
        (GOGOCARTO_URL, {"bounds": "a,b,c"}, "bounds"),
        (GOGOCARTO_URL, {"sector": "inconnu"}, "Secteur"),
        (OPEN_GEOJSON_URL, {"kind": "licorne"}, "Type"),
    ],
)
def test_bad_values_are_a_400_with_a_french_message(visitor, actors, url, params, message):
    response = visitor.get(url, params)
    assert response.status_code == 400
    assert message in json.loads(response.content)["erreurs"][0]


def test_unknown_parameters_are_a_400_listing_the_accepted_ones(visitor, actors):
    response = visitor.get(GOGOCARTO_URL, {"departemnt": "02"})
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["erreurs"] == ["Paramètre inconnu : « departemnt »."]
    assert "departement" in body["parametres_acceptes"] and "bounds" in body["parametres_acceptes"]
    assert visitor.get(OPEN_GEOJSON_URL, {"bounds": "1,2,3,4"}).status_code == 400  # bbox there, not bounds


def test_unknown_format_is_a_400_listing_the_formats(visitor, actors):
    response = visitor.get("/donnees/organisations.xlsx")
    assert response.status_code == 400
    assert json.loads(response.content)["formats_acceptes"] == [
        "organisations.csv",
        "organisations.geojson",
        "organisations.gogocarto.json",
    ]
    assert visitor.get("/donnees/organisations.csv").status_code == 200


def test_gogocarto_query_count_is_fixed_and_cached_by_the_data_version(visitor, actors, django_assert_num_queries):
    """The data version, the organisations, then the ids of their sectors, themes and PTCEs (one query per 2,000
    rows each); the five small tables they name (sectors, themes, PTCEs, EPCI, departments) once per data version
    (directory/taxonomy.py). A cache hit touches no database."""
    with django_assert_num_queries(3 + 5):
        visitor.get(GOGOCARTO_URL)
    with django_assert_num_queries(0):
        cached = visitor.get(GOGOCARTO_URL)
    Organisation.objects.filter(slug="atout").get().save()
    assert visitor.get(GOGOCARTO_URL, HTTP_IF_NONE_MATCH=cached["ETag"]).status_code == 200
