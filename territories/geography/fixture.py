"""The geography fixture's format and its loader: plain Django, used by ``seed_demo`` and the tests.

The fixture is written by `territories.geography.build` and described in docs/data.md.
"""

import json
from pathlib import Path

from django.db import transaction

from core.data import bump_data_version
from territories.models import Commune, Department, Epci

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "fixtures" / "geography.json"

# Field order of a commune row in the fixture (rows are arrays, to keep the file small).
COMMUNE_FIELDS = [
    "insee_code",
    "name",
    "slug",
    "postal_codes",
    "population",
    "department",
    "epci",
    "latitude",
    "longitude",
]


def read_fixture(path=DEFAULT_PATH):
    """Read a fixture written by `write_fixture`; commune rows are returned as dicts keyed by `COMMUNE_FIELDS`."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    fields = document["meta"].get("commune_fields", COMMUNE_FIELDS)
    document["communes"] = [dict(zip(fields, row, strict=True)) for row in document["communes"]]
    return document


def load_geography(path=DEFAULT_PATH, stdout=None):
    """Upsert the departments, EPCI and communes of the fixture at `path`; return the counts loaded.

    Idempotent: rows are matched on their codes (department code, SIREN, INSEE code) and updated in place, so
    foreign keys pointing at them survive a reload. Rows absent from the fixture are left alone. Works on
    SQLite and PostgreSQL (``INSERT ... ON CONFLICT DO UPDATE``), in one transaction.
    """
    document = read_fixture(path)
    with transaction.atomic():
        Department.objects.bulk_create(
            [Department(code=d["code"], name=d["name"], slug=d["slug"]) for d in document["departments"]],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "slug"],
        )
        department_ids = dict(Department.objects.values_list("code", "id"))
        Epci.objects.bulk_create(
            [
                Epci(
                    siren=e["siren"],
                    name=e["name"],
                    slug=e["slug"],
                    kind=e["kind"],
                    population=e["population"],
                    department_id=department_ids[e["department"]],
                    boundary=e["boundary"],
                    centroid_latitude=e["centroid"][0],
                    centroid_longitude=e["centroid"][1],
                )
                for e in document["epcis"]
            ],
            update_conflicts=True,
            unique_fields=["siren"],
            update_fields=[
                "name",
                "slug",
                "kind",
                "population",
                "department",
                "boundary",
                "centroid_latitude",
                "centroid_longitude",
            ],
        )
        epci_ids = dict(Epci.objects.values_list("siren", "id"))
        Commune.objects.bulk_create(
            [
                Commune(
                    insee_code=c["insee_code"],
                    name=c["name"],
                    slug=c["slug"],
                    postal_codes=c["postal_codes"],
                    population=c["population"],
                    department_id=department_ids[c["department"]],
                    epci_id=epci_ids[c["epci"]] if c["epci"] else None,
                    latitude=c["latitude"],
                    longitude=c["longitude"],
                )
                for c in document["communes"]
            ],
            update_conflicts=True,
            unique_fields=["insee_code"],
            update_fields=["name", "slug", "postal_codes", "population", "department", "epci", "latitude", "longitude"],
            batch_size=500,
        )
        # bulk_create sends no signal.
        bump_data_version("territories")
    counts = {
        "departments": len(document["departments"]),
        "epcis": len(document["epcis"]),
        "communes": len(document["communes"]),
    }
    if stdout is not None:
        stdout.write(
            f"Geography loaded: {counts['departments']} departments, {counts['epcis']} EPCI, "
            f"{counts['communes']} communes.\n"
        )
    return counts
