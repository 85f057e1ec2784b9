"""`/donnees/`: every dataset with its licence, last update, schema, filters and an example; DCAT in JSON-LD."""

import html as html_lib
import json

import pytest
from django.urls import reverse

from apes_portal import opendata
from core.data import bump_data_version
from tests.factories import DynamicFactory, OrganisationFactory, PublicationFactory

pytestmark = pytest.mark.django_db

PAGE_URL = reverse("open-data")
DCAT_URL = reverse("open-data-dcat")


@pytest.fixture
def data(db):
    OrganisationFactory(name="La Maison du Vélo")
    DynamicFactory()
    PublicationFactory()


def test_the_page_lists_every_dataset_with_licence_and_last_update(visitor, data, django_assert_num_queries):
    with django_assert_num_queries(1):  # the data versions of every family, read once
        response = visitor.get(PAGE_URL)
    assert response.status_code == 200
    html = html_lib.unescape(response.content.decode())
    for title in (
        "Annuaire des acteurs de l'économie solidaire",
        "Contours des intercommunalités (EPCI)",
        "Dynamiques territoriales",
        "Publications de l'Apes",
    ):
        assert title in html
    assert html.count('<dt>Licence</dt><dd><a href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/">') == 4
    assert html.count("<dt>Dernière mise à jour</dt>") == 4
    for url in (
        reverse("directory:organisation-export-csv"),
        reverse("directory:organisation-open-geojson"),
        reverse("directory:organisation-gogocarto"),
        reverse("directory:organisation-geojson"),
        reverse("territories:epci-geojson"),
        reverse("territories:dynamic-geojson"),
        reverse("publications:publication-feed"),
        reverse("directory:organisation-schema", args=["1.0.0"]),
    ):
        assert f"http://testserver{url}" in html
    assert "<code>departement</code>" in html and "<code>adherent</code>" in html
    assert "accepte aussi bounds=ouest,sud,est,nord" in html  # the box, on the formats that take it


def test_an_example_is_offered_only_where_it_shows_a_query(visitor, data):
    html = visitor.get(PAGE_URL).content.decode()
    epci = reverse("territories:epci-geojson")
    assert f'<a href="http://testserver{epci}">GeoJSON</a></li>' in html, "no example repeating the address itself"
    assert 'exemple : <a href="http://testserver/donnees/organisations.gogocarto.json?bounds=' in html


def test_the_footer_links_to_the_catalogue(visitor):
    assert f'href="{PAGE_URL}"' in visitor.get(reverse("home")).content.decode()


def test_dcat_catalogue_is_json_ld_with_a_distribution_per_format(visitor, data, django_assert_num_queries):
    with django_assert_num_queries(1):  # the data versions of every family it describes, read once
        response = visitor.get(DCAT_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    catalogue = json.loads(response.content)
    assert catalogue["@type"] == "dcat:Catalog"
    assert catalogue["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    datasets = {dataset["dct:identifier"]: dataset for dataset in catalogue["dcat:dataset"]}
    assert set(datasets) == {"organisations", "epci", "dynamiques", "publications"}
    organisations = datasets["organisations"]
    assert organisations["dct:license"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    assert organisations["dct:modified"]
    assert datasets["dynamiques"]["dct:modified"] and datasets["publications"]["dct:modified"]
    formats = [distribution["dct:format"] for distribution in organisations["dcat:distribution"]]
    assert formats == ["CSV", "GeoJSON", "JSON", "GeoJSON"]
    csv = organisations["dcat:distribution"][0]
    assert csv["dct:conformsTo"].endswith(reverse("directory:organisation-schema", args=["1.0.0"]))


@pytest.fixture
def builds(monkeypatch):
    """How many times the catalogue's document was built."""
    calls = []
    build = opendata.dcat_document
    monkeypatch.setattr(opendata, "dcat_document", lambda request: calls.append(request) or build(request))
    return calls


def test_the_catalogue_is_built_once_per_data_version(visitor, data, builds, django_assert_num_queries):
    first = visitor.get(DCAT_URL)
    with django_assert_num_queries(0):
        again = visitor.get(DCAT_URL)
    with django_assert_num_queries(0):
        revalidated = visitor.get(DCAT_URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.content == first.content
    assert revalidated.status_code == 304
    assert len(builds) == 1


@pytest.mark.parametrize("source", ["directory", "territories", "publications"])
def test_a_change_in_any_described_family_gives_a_new_catalogue(visitor, data, builds, source):
    first = visitor.get(DCAT_URL)
    bump_data_version(source)
    response = visitor.get(DCAT_URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]
    assert len(builds) == 2


def test_the_catalogue_links_to_the_address_it_was_asked_on(visitor, data, settings):
    settings.ALLOWED_HOSTS = ["testserver", "donnees.example"]
    visitor.get(DCAT_URL)
    other = json.loads(visitor.get(DCAT_URL, HTTP_HOST="donnees.example").content)
    assert other["@id"] == f"http://donnees.example{PAGE_URL}"
