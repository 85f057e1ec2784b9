"""Open data: GeoJSON (RFC 7946, cached, revalidated) and CSV, with the list's filters."""

import csv
import datetime
import gzip
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from directory.models import Organisation
from tests.data_versions import data_version_writes, seen_elsewhere
from tests.factories import (
    CommuneFactory,
    CorrectionRequestFactory,
    EpciFactory,
    MembershipApplicationFactory,
    OrganisationFactory,
    SectorFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

GEOJSON_URL = reverse("directory:organisation-geojson")
CSV_URL = reverse("directory:organisation-export-csv")
LIST_URL = reverse("directory:organisation-list")


@pytest.fixture
def actors(db):
    epci = EpciFactory(siren="245901160", name="CA Valenciennes Métropole")
    valenciennes = CommuneFactory(
        insee_code="59606", name="Valenciennes", epci=epci, latitude=50.3591, longitude=3.51618
    )
    lille = CommuneFactory(insee_code="59350", name="Lille", latitude=50.63199, longitude=3.04685)
    food = SectorFactory(slug="alimentation", name="Alimentation")
    velo = OrganisationFactory(
        name="La Maison du Vélo",
        slug="maison-du-velo",
        commune=valenciennes,
        is_member=True,
        latitude=50.358912345,
        longitude=3.517654321,
        email="secret@example.org",
        phone="03 27 00 00 00",
    )
    epicerie = OrganisationFactory(name="Épicerie solidaire", slug="epicerie", commune=valenciennes, kind="insertion")
    epicerie.sectors.add(food)
    epicerie.themes.add(ThemeFactory(slug="production-locale", name="Production locale"))
    OrganisationFactory(name='=HYPERLINK("http://x")', slug="formule", commune=lille)
    OrganisationFactory(
        name="La boîte Atout", slug="atout", commune=valenciennes, status="closed", closed_on="2021-01-01"
    )
    OrganisationFactory(name="Caché", slug="cache", commune=lille, is_published=False)
    OrganisationFactory(name="Sans lieu", slug="sans-lieu", commune=None)
    return {"velo": velo}


def geojson(client, params=None, **headers):
    response = client.get(GEOJSON_URL, params or {}, **headers)
    return response, json.loads(response.content) if response.status_code == 200 else None


def test_geojson_is_an_rfc_7946_feature_collection(visitor, actors):
    response, document = geojson(visitor)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert document["type"] == "FeatureCollection"
    assert "crs" not in document  # RFC 7946 §4: WGS 84 only, no crs member
    assert "Licence Ouverte" in document["licence"]
    for feature in document["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        longitude, latitude = feature["geometry"]["coordinates"]
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90
        assert set(feature["properties"]) <= {"n", "k", "c", "m"}
    by_id = {feature["id"]: feature for feature in document["features"]}
    assert by_id["maison-du-velo"]["geometry"]["coordinates"] == [3.51765, 50.35891]  # 5 decimals, lon first
    assert by_id["maison-du-velo"]["properties"] == {"n": "La Maison du Vélo", "k": "association", "m": 1}
    assert by_id["atout"]["properties"]["c"] == 1
    assert "cache" not in by_id  # unpublished
    assert "sans-lieu" not in by_id  # no coordinates, no point


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"kind": "insertion"},
        {"sector": "alimentation"},
        {"theme": "production-locale"},
        {"epci": "245901160", "status": "active"},
        {"commune": "59350"},
        {"adherent": "oui"},
        {"q": "velo"},
        {"departement": "59", "adherent": "non"},
    ],
)
def test_geojson_shows_the_same_organisations_as_the_list(visitor, actors, params):
    _, document = geojson(visitor, params)
    listed = visitor.get(LIST_URL, params).context["organisations"]
    assert {feature["id"] for feature in document["features"]} == {
        organisation.slug for organisation in listed if organisation.latitude is not None
    }


def test_bbox_keeps_what_is_inside(visitor, actors):
    _, document = geojson(visitor, {"bbox": "2.9,50.5,3.2,50.7"})  # around Lille
    assert [feature["id"] for feature in document["features"]] == ["formule"]


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": "1,2,3"},
        {"bbox": "a,b,c,d"},
        {"bbox": "3.2,50.5,2.9,50.7"},  # west > east
        {"bbox": "2,91,3,92"},
        {"bbox": "nan,1,2,3"},
        {"sector": "inconnu"},
        {"kind": "licorne"},
    ],
)
def test_bad_filters_are_a_400_with_a_french_message(visitor, actors, params):
    response = visitor.get(GEOJSON_URL, params)
    assert response.status_code == 400
    assert json.loads(response.content)["erreurs"][0].startswith("Filtre")


def test_null_bytes_are_a_400(visitor, actors):
    assert visitor.get(GEOJSON_URL, {"commune": "\x00"}).status_code == 400
    assert visitor.get(CSV_URL, {"q": "\x00"}).status_code == 400


def test_unknown_parameters_are_ignored(visitor, actors):
    assert visitor.get(GEOJSON_URL, {"utm_source": "x", "page": "3"}).status_code == 200


def test_etag_and_last_modified_give_304(visitor, actors):
    response, _ = geojson(visitor, {"kind": "insertion"})
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert etag.startswith('W/"')
    again = visitor.get(GEOJSON_URL, {"kind": "insertion"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert visitor.get(GEOJSON_URL, {"kind": "insertion"}, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    other_query = visitor.get(GEOJSON_URL, {"kind": "scop"}, HTTP_IF_NONE_MATCH=etag)
    assert other_query.status_code == 200


def test_any_change_invalidates_the_cache(visitor, actors):
    response, _ = geojson(visitor)
    etag = response["ETag"]
    actors["velo"].name = "Maison du Vélo de Valenciennes"
    actors["velo"].save()
    fresh, document = geojson(visitor, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert "Maison du Vélo de Valenciennes" in {feature["properties"]["n"] for feature in document["features"]}
    # A link change alone (sector added) changes the result of a sector filter.
    _, before = geojson(visitor, {"sector": "alimentation"})
    actors["velo"].sectors.add(Organisation.objects.get(slug="epicerie").sectors.get())
    _, after = geojson(visitor, {"sector": "alimentation"})
    assert len(after["features"]) == len(before["features"]) + 1
    Organisation.objects.get(slug="epicerie").delete()
    _, deleted = geojson(visitor, {"sector": "alimentation"})
    assert [feature["id"] for feature in deleted["features"]] == ["maison-du-velo"]


def test_old_if_modified_since_gets_the_data(visitor, actors):
    response = visitor.get(GEOJSON_URL, HTTP_IF_MODIFIED_SINCE=http_date(0))
    assert response.status_code == 200


def test_gzip_is_served_when_accepted(visitor, actors):
    response = visitor.get(GEOJSON_URL, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert json.loads(gzip.decompress(response.content))["type"] == "FeatureCollection"


def test_geojson_query_count_is_fixed_and_zero_when_cached(visitor, actors, django_assert_num_queries):
    """The data version, then one query for all points (no per-feature lookup); a cache hit touches no database."""
    with django_assert_num_queries(2):
        visitor.get(GEOJSON_URL)
    with django_assert_num_queries(0):
        visitor.get(GEOJSON_URL)
    with django_assert_num_queries(2):  # validating the sector, then the points
        visitor.get(GEOJSON_URL, {"sector": "alimentation"})


# --- CSV -----------------------------------------------------------------------------------------


def read_csv(response):
    raw = b"".join(response.streaming_content).decode("utf-8")
    assert raw.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(raw[1:]), delimiter=";"))


def test_csv_export(visitor, actors, monkeypatch):
    # Downloaded at 00:30 in France on 15 March, which is still 14 March in UTC: the file is named for the French day.
    at = datetime.datetime(2026, 3, 14, 23, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: at)
    response = visitor.get(CSV_URL, {"departement": "59"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="annuaire-apes-hauts-de-france-2026-03-15.csv"'
    rows = read_csv(response)
    by_name = {row["nom"]: row for row in rows}
    assert "Caché" not in by_name
    velo = by_name["La Maison du Vélo"]
    assert velo["commune"] == "Valenciennes"
    assert velo["code_insee"] == "59606"
    assert velo["epci"] == "CA Valenciennes Métropole"
    assert velo["adherent_apes"] == "oui"
    assert velo["latitude"] == "50.35891"
    assert velo["lien_source"].endswith("/annuaire/maison-du-velo/")
    assert by_name["Épicerie solidaire"]["secteurs"] == "Alimentation"
    assert by_name["La boîte Atout"]["date_fermeture"] == "2021-01-01"
    assert "secret@example.org" not in str(rows)  # emails stay protected


def test_csv_neutralises_spreadsheet_formulas(visitor, actors):
    rows = read_csv(visitor.get(CSV_URL, {"commune": "59350"}))
    assert rows[0]["nom"].startswith("'=")


def test_csv_uses_the_same_filters_as_the_list(visitor, actors):
    params = {"kind": "insertion", "departement": "59"}
    names = [row["nom"] for row in read_csv(visitor.get(CSV_URL, params))]
    listed = [organisation.name for organisation in visitor.get(LIST_URL, params).context["organisations"]]
    assert sorted(names) == sorted(listed)  # the same selection; the file is in key order (exports read by key)


def test_csv_bad_filter_is_400(visitor, actors):
    response = visitor.get(CSV_URL, {"adherent": "bof"})
    assert response.status_code == 400
    assert "Adhésion" in json.loads(response.content)["erreurs"][0]


def test_csv_query_count_is_fixed(visitor, actors, django_assert_num_queries):
    """The data version, the organisations with their commune, the ids of their sectors, themes and PTCEs (one
    query per 2,000 rows each), and the five small tables they name once per data version (directory/taxonomy.py).
    """
    for organisation in Organisation.objects.all():
        organisation.sectors.add(SectorFactory(), SectorFactory())
    with django_assert_num_queries(3 + 5):
        read_csv(visitor.get(CSV_URL))
    Organisation.objects.first().save()  # a new version: the file is built again, the small tables read again
    with django_assert_num_queries(3 + 5):
        read_csv(visitor.get(CSV_URL))


def test_csv_revalidates_on_the_data_version(visitor, actors, django_assert_num_queries):
    """An unchanged export is a 304 without a query; a saved organisation makes it a fresh file."""
    etag = visitor.get(CSV_URL)["ETag"]
    with django_assert_num_queries(0):
        assert visitor.get(CSV_URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
    actors["velo"].save()
    assert visitor.get(CSV_URL, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_csv_is_gzipped_when_accepted(visitor, actors):
    response = visitor.get(CSV_URL, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    raw = gzip.decompress(b"".join(response.streaming_content)).decode()
    assert "La Maison du Vélo" in raw


def test_open_data_may_be_read_by_other_sites(visitor, actors):
    assert visitor.get(GEOJSON_URL)["Access-Control-Allow-Origin"] == "*"
    assert visitor.get(CSV_URL)["Access-Control-Allow-Origin"] == "*"


def test_a_submission_keeps_the_public_pages_cached_and_a_record_change_renews_them(db):
    """Applications and correction reports wait for staff: the public data has not changed until a record does."""
    organisation = OrganisationFactory()
    before = seen_elsewhere()
    MembershipApplicationFactory(commune=organisation.commune)
    CorrectionRequestFactory(organisation=organisation)
    assert seen_elsewhere() == before
    with data_version_writes() as writes:
        organisation.name = "Nouveau nom"
        organisation.save()
    assert len(writes) == 1, "one bump for the record, none for its history row"
    assert seen_elsewhere() != before


def test_a_long_export_read_by_chunks_gives_each_row_its_own_links(visitor, monkeypatch):
    """Chunks of 2 rows here (2,000 on the site), a selection that leaves out rows inside each chunk's key range:
    the links of the organisations left out never leak into a neighbour's row, and every row is written once."""
    from directory.views import data

    monkeypatch.setattr(data, "EXPORT_CHUNK", 2)
    expected = {}
    for number in range(7):
        kind = "scop" if number % 3 else "association"  # every third one is outside the selection
        organisation = OrganisationFactory(name=f"Structure {number}", kind=kind)
        sector = SectorFactory(name=f"Secteur {number}")
        theme = ThemeFactory(name=f"Thème {number}")
        organisation.sectors.add(sector)
        organisation.themes.add(theme)
        if kind == "scop":
            expected[organisation.name] = (sector.name, theme.name)
    rows = read_csv(visitor.get(CSV_URL, {"kind": "scop"}))
    assert {row["nom"]: (row["secteurs"], row["thematiques"]) for row in rows} == expected
    assert len(rows) == len(expected)


def test_the_map_data_written_feature_by_feature_is_the_document_itself(visitor, actors):
    """The full map data is encoded row by row (a worker's memory at 200,000 points): the same bytes as the
    document built whole, and what the endpoint serves."""
    from directory import geojson

    published = Organisation.objects.published().order_by()
    written = geojson.organisation_collection_bytes(published)
    assert written == geojson.dumps(geojson.organisation_features(published))
    assert json.loads(written)["features"]  # not an empty collection
    assert b"".join(visitor.get(GEOJSON_URL)) == written
