"""Export the mid-term review of the current campaign's commitments into a folder:

    manage.py export_midterm_review --output /tmp/bilan --base-url https://www.apes-hdf.org

Writes region.csv, one epci-<SIREN>-<name>.csv per EPCI with commitments, and bilan-mi-mandat.html (A4,
printable). Staff get the same files as a ZIP from the commitments admin (action "Exporter le bilan…").
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.commands import absolute_url_builder, add_base_url_argument
from proposals.models import Campaign
from proposals.review import build_review, review_files


class Command(BaseCommand):
    help = "Write the mid-term review (CSV for the region and per EPCI, printable A4 HTML) into a folder."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="The folder to write into (created if needed).")
        add_base_url_argument(parser)
        parser.add_argument("--campaign", help="A campaign's slug (default: the current published one).")

    def handle(self, *args, output, base_url, campaign, **options):
        absolute = absolute_url_builder(base_url)
        found = Campaign.objects.filter(slug=campaign).first() if campaign else Campaign.objects.current()
        if found is None:
            raise CommandError("Aucune campagne ne correspond." if campaign else "Aucune campagne n'est publiée.")
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        review = build_review(found)
        files = review_files(review, absolute)
        for name, content in files.items():
            (folder / name).write_bytes(content)
        self.stdout.write(
            f"{len(files)} file(s) written to {folder}: {len(review.rows)} measure(s) of "
            f"{review.region.teams} commitment(s) in {len(review.epcis)} EPCI."
        )
