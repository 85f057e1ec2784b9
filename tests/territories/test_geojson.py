"""Map data: the EPCI layer (partner flag, cache, ETag) and the dynamics points, shared filters."""

import json

import pytest
from django.urls import reverse

from tests.factories import CommuneFactory, DynamicFactory, EpciFactory, PartnershipFactory, ThemeFactory

pytestmark = pytest.mark.django_db

SQUARE = {"type": "Polygon", "coordinates": [[[3.4, 50.3], [3.6, 50.3], [3.6, 50.4], [3.4, 50.4], [3.4, 50.3]]]}


def features(response):
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    return data["features"]


def test_epci_layer_has_every_boundary_and_flags_partners(visitor):
    partner = EpciFactory(name="CA Valenciennes Métropole", boundary=SQUARE)
    other = EpciFactory(name="CA Amiens Métropole", boundary=SQUARE)
    PartnershipFactory(epci=partner, start_year=2017, end_year=2024)

    by_siren = {f["id"]: f for f in features(visitor.get(reverse("territories:epci-geojson")))}

    assert set(by_siren) == {partner.siren, other.siren}
    assert by_siren[partner.siren]["geometry"] == SQUARE
    assert by_siren[partner.siren]["properties"]["partner"] is True
    assert by_siren[partner.siren]["properties"]["partnerSince"] == 2017
    assert by_siren[partner.siren]["properties"]["partnerCurrent"] is False
    assert by_siren[partner.siren]["properties"]["url"] == partner.get_absolute_url()
    assert by_siren[other.siren]["properties"]["partner"] is False


def test_epci_layer_revalidates_with_its_etag(visitor):
    EpciFactory(boundary=SQUARE)
    url = reverse("territories:epci-geojson")
    first = visitor.get(url)
    etag = first["ETag"]
    assert "public" in first["Cache-Control"]

    again = visitor.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""


def test_epci_layer_changes_when_a_partnership_is_added(visitor):
    epci = EpciFactory(boundary=SQUARE)
    url = reverse("territories:epci-geojson")
    before = visitor.get(url)
    PartnershipFactory(epci=epci)

    after = visitor.get(url, headers={"if-none-match": before["ETag"]})

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert features(after)[0]["properties"]["partner"] is True


def test_epci_layer_query_count_is_fixed_and_cached(visitor, django_assert_num_queries):
    """The data version, then EPCI + partnerships once; later requests read the cache without a query."""
    for _ in range(5):
        PartnershipFactory(epci=EpciFactory(boundary=SQUARE))
    url = reverse("territories:epci-geojson")
    with django_assert_num_queries(3):
        visitor.get(url)
    with django_assert_num_queries(0):
        response = visitor.get(url)
    assert len(features(response)) == 5


def test_epci_layer_is_gzipped_for_browsers_that_ask(visitor):
    EpciFactory(boundary=SQUARE)
    response = visitor.get(reverse("territories:epci-geojson"), headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"


def test_epci_layer_refuses_post(visitor):
    assert visitor.post(reverse("territories:epci-geojson")).status_code == 405


def test_dynamics_layer_points_are_coloured_by_theme_and_regional_ones_have_none(visitor):
    theme = ThemeFactory(slug="cooperations", name="Coopérations", colour="#b5462f")
    commune = CommuneFactory(latitude=50.35, longitude=3.52)
    placed = DynamicFactory(title="Valenciennois", theme=theme)
    placed.communes.add(commune)
    DynamicFactory(title="Bail commercial", theme=theme)  # regional: no point
    DynamicFactory(title="Brouillon", theme=theme, is_published=False).communes.add(commune)

    [feature] = features(visitor.get(reverse("territories:dynamic-geojson")))

    assert feature["geometry"] == {"type": "Point", "coordinates": [3.52, 50.35]}
    assert feature["properties"]["title"] == "Valenciennois"
    assert feature["properties"]["colour"] == "#b5462f"
    assert feature["properties"]["theme"] == "cooperations"
    assert feature["properties"]["url"] == placed.get_absolute_url()


def test_dynamics_layer_uses_the_list_filters(visitor):
    recit = ThemeFactory(slug="mise-en-recit")
    other = ThemeFactory(slug="impact-social")
    epci = EpciFactory()
    DynamicFactory(title="Récit", theme=recit).epcis.add(epci)
    DynamicFactory(title="Impact", theme=other).epcis.add(epci)

    url = reverse("territories:dynamic-geojson")
    titles = [f["properties"]["title"] for f in features(visitor.get(url, {"theme": "mise-en-recit"}))]
    assert titles == ["Récit"]
    by_epci = features(visitor.get(url, {"epci": epci.siren}))
    assert len(by_epci) == 2


@pytest.mark.parametrize("query", [{"theme": "nope"}, {"departement": "0"}, {"phase": "x" * 500}, {"epci": "'"}])
def test_dynamics_layer_bad_filter_is_a_json_400(visitor, query):
    response = visitor.get(reverse("territories:dynamic-geojson"), query)
    assert response.status_code == 400
    [message] = json.loads(response.content)["erreurs"]
    assert message.startswith("Filtre « ")  # the refused filter named by its label, in French


def test_dynamics_layer_names_the_refused_filter(visitor):
    response = visitor.get(reverse("territories:dynamic-geojson"), {"phase": "x"})
    assert json.loads(response.content) == {"erreurs": ["Filtre « Phase » : Cette phase n'existe pas."]}


def test_dynamics_layer_revalidates_with_its_etag(visitor):
    DynamicFactory().epcis.add(EpciFactory())
    url = reverse("territories:dynamic-geojson")
    etag = visitor.get(url)["ETag"]
    assert visitor.get(url, headers={"if-none-match": etag}).status_code == 304


def test_dynamics_layer_query_count_is_fixed(visitor, django_assert_num_queries):
    """The data version, then theme, EPCI and communes of the points once, not per dynamic."""
    for _ in range(10):
        dynamic = DynamicFactory()
        dynamic.epcis.add(EpciFactory())
        dynamic.communes.add(CommuneFactory())
    with django_assert_num_queries(4):
        response = visitor.get(reverse("territories:dynamic-geojson"))
    assert len(features(response)) == 10
