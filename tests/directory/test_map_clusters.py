"""Zoom-aware map data: every point for a small set, server clusters and points by view for a large one."""

import json

import pytest
from django.urls import reverse

from directory.views import clusters
from tests.factories import CommuneFactory, OrganisationFactory, SectorFactory

pytestmark = pytest.mark.django_db

URL = reverse("directory:organisation-clusters")
LILLE_VIEW = "2.9,50.55,3.2,50.7"


@pytest.fixture
def actors(db):
    """20 organisations in Lille (they cluster), 3 in Valenciennes, 1 alone in Amiens, 1 without a position."""
    lille = CommuneFactory(insee_code="59350", name="Lille", latitude=50.63199, longitude=3.04685)
    valenciennes = CommuneFactory(insee_code="59606", name="Valenciennes", latitude=50.3591, longitude=3.51618)
    amiens = CommuneFactory(insee_code="80021", name="Amiens", latitude=49.8941, longitude=2.2958)
    food = SectorFactory(slug="alimentation", name="Alimentation")
    for number in range(20):
        OrganisationFactory(
            name=f"Lilloise {number}",
            commune=lille,
            latitude=50.63 + number * 0.0005,
            longitude=3.04 + number * 0.0005,
        )
    for number in range(3):
        organisation = OrganisationFactory(
            name=f"Valenciennoise {number}", commune=valenciennes, latitude=50.359 + number * 0.001, longitude=3.516
        )
        organisation.sectors.add(food)
    OrganisationFactory(name="L'Amiénoise", slug="amienoise", commune=amiens, latitude=49.8941, longitude=2.2958)
    OrganisationFactory(name="Sans lieu", commune=None, latitude=None, longitude=None)


@pytest.fixture
def large(monkeypatch):
    """Treat these few organisations as a national-scale set: the server clusters them."""
    monkeypatch.setattr(clusters, "INDEX_LIMIT", 5)


def get(client, **params):
    response = client.get(URL, params)
    return response, json.loads(response.content)


def test_a_small_set_is_sent_whole_for_the_browser_to_cluster(visitor, actors):
    response, data = get(visitor, zoom=8)
    assert response.status_code == 200
    assert data["index"] is True
    assert data["total"] == 24
    assert len(data["features"]) == 24
    assert data["clusters"] == []
    assert data["bounds"] == [2.2958, 49.8941, 3.5160, 50.6395]


def test_a_large_set_is_clustered_on_the_server_for_the_whole_region(visitor, actors, large):
    response, data = get(visitor, zoom=8, bbox="3.0,50.6,3.1,50.7")  # the bbox is ignored at this zoom
    assert data["index"] is False
    assert data["total"] == 24
    counts = sorted(cluster[2] for cluster in data["clusters"])
    assert counts == [3, 20]
    lille = next(cluster for cluster in data["clusters"] if cluster[2] == 20)
    # Its extent, for a click to zoom on: the first and last of the 20.
    assert lille[3:] == [3.04, 50.63, 3.0495, 50.6395]
    # Alone in its cell, Amiens's organisation comes as itself, named, for its marker and popup.
    assert [(feature["id"], feature["properties"]["n"]) for feature in data["features"]] == [
        ("amienoise", "L'Amiénoise")
    ]


def test_high_zoom_sends_the_points_of_the_view(visitor, actors, large):
    response, data = get(visitor, zoom=16, bbox="3.039,50.629,3.046,50.634")
    assert data["clusters"] == []
    names = sorted(feature["properties"]["n"] for feature in data["features"])
    # The view is widened to whole blocks of cells (about 700 m at zoom 16): the nearby ones come too.
    assert "Lilloise 0" in names
    assert "L'Amiénoise" not in names
    assert all(name.startswith("Lilloise") for name in names)
    assert data["total"] == 24  # the count of the whole selection, for the status line


def test_mid_zoom_clusters_only_the_view(visitor, actors, large):
    response, data = get(visitor, zoom=11, bbox=LILLE_VIEW)
    assert [cluster[2] for cluster in data["clusters"]] == [20]
    assert data["features"] == []


def test_filters_apply_as_on_the_list(visitor, actors, large):
    response, data = get(visitor, zoom=8, sector="alimentation")
    assert data["total"] == 3
    assert data["index"] is True
    assert sorted(feature["properties"]["n"] for feature in data["features"]) == [
        "Valenciennoise 0",
        "Valenciennoise 1",
        "Valenciennoise 2",
    ]


def test_a_view_outside_the_region_is_empty(visitor, actors, large):
    response, data = get(visitor, zoom=12, bbox="-5.0,40.0,-4.9,40.05")
    assert response.status_code == 200
    assert data["clusters"] == [] and data["features"] == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"zoom": "8", "bbox": "3.2,50.7,2.9,50.5"}, "La zone (bbox) doit s'écrire"),
        ({"zoom": "12", "bbox": "abc"}, "La zone (bbox) doit s'écrire"),
        ({"zoom": "12"}, "indiquez la zone affichée"),
        ({"zoom": "3"}, "compris entre 6 et 18"),
        ({"zoom": "99", "bbox": LILLE_VIEW}, "compris entre 6 et 18"),
        ({"zoom": "huit"}, "nombre entier"),
        ({}, "Indiquez le niveau de zoom"),
        ({"zoom": "14", "bbox": "1.2,48.6,4.5,51.3"}, "trop grande pour ce niveau de zoom"),
        ({"zoom": "8", "sector": "inconnu"}, "Secteur"),
    ],
)
def test_bad_input_is_a_400_with_a_french_message(visitor, actors, params, message):
    response = visitor.get(URL, params)
    assert response.status_code == 400
    assert message in " ".join(json.loads(response.content)["erreurs"])


def test_answers_are_cached_on_the_data_version(visitor, actors, large):
    first = visitor.get(URL, {"zoom": 8})
    assert visitor.get(URL, {"zoom": 8}, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    OrganisationFactory(name="Nouvelle", latitude=50.0, longitude=2.0)
    _, data = get(visitor, zoom=8)
    assert data["total"] == 25


def test_query_counts_are_fixed_and_zero_when_cached(visitor, actors, large, django_assert_num_queries):
    with django_assert_num_queries(4):  # the data version, the summary, the cells, the organisations alone
        visitor.get(URL, {"zoom": 8})
    with django_assert_num_queries(0):
        visitor.get(URL, {"zoom": 8})
    with django_assert_num_queries(1):  # the summary of the selection is cached: the cells (none alone here)
        visitor.get(URL, {"zoom": 11, "bbox": LILLE_VIEW})
    with django_assert_num_queries(1):  # the points of the view
        visitor.get(URL, {"zoom": 16, "bbox": "3.039,50.629,3.046,50.634"})
    with django_assert_num_queries(3):  # validating the sector, its summary, every point (a small set)
        visitor.get(URL, {"zoom": 8, "sector": "alimentation"})


def test_the_map_page_names_the_endpoint(visitor):
    response = visitor.get(reverse("directory:map"))
    assert response.context["map_config"]["clustersUrl"] == URL


@pytest.mark.parametrize("params", [{"q": "lilloise"}, {"commune": "Lille", "autour": "10"}])
def test_a_search_or_around_a_commune_is_clustered_too(visitor, actors, large, params):
    response, data = get(visitor, zoom=8, **params)
    assert data["total"] == 20
    assert [cluster[2] for cluster in data["clusters"]] == [20]


def test_a_small_set_is_one_answer_whatever_the_view(visitor, actors, django_assert_num_queries):
    first = visitor.get(URL, {"zoom": 8})  # the summary is known now: one answer for every view
    with django_assert_num_queries(1):  # every point, once
        other = visitor.get(URL, {"zoom": 12, "bbox": LILLE_VIEW})
    with django_assert_num_queries(0):
        again = visitor.get(URL, {"zoom": 16, "bbox": "2.2,49.8,2.3,49.9"})
    assert json.loads(other.content) == json.loads(again.content) == json.loads(first.content)
