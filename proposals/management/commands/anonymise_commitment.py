"""Anonymise the signatory of commitments on request (GDPR right to erasure).

The commitment keeps its territory, its proposals and its follow-up notes, so counts and the map
stay right; the name, role, list name and email are erased (see `Commitment.anonymise`).

    manage.py anonymise_commitment --email elue@mairie.fr
    manage.py anonymise_commitment --id 42 --dry-run
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from proposals.models import Commitment


class Command(BaseCommand):
    help = "Anonymise commitments by id or by the signatory's email (GDPR request). Idempotent."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--id", type=int, dest="pk", help="Id of one commitment (see the admin).")
        target.add_argument("--email", help="Every commitment signed with this email address.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change, change nothing.")

    def handle(self, *args, pk=None, email=None, dry_run=False, verbosity=1, **options):
        commitments = Commitment.objects.select_related("commune", "epci").filter(anonymised_at__isnull=True)
        commitments = commitments.filter(pk=pk) if pk is not None else commitments.filter(email__iexact=email.strip())
        found = list(commitments)
        if not found:
            raise CommandError("Aucun engagement non anonymisé ne correspond.")
        with transaction.atomic():
            for commitment in found:
                if verbosity >= 1:
                    self.stdout.write(f"  #{commitment.pk} {commitment.territory_name}")
                if not dry_run:
                    commitment.anonymise()
        verb = "would be anonymised (dry run)" if dry_run else "anonymised"
        self.stdout.write(self.style.SUCCESS(f"{len(found)} commitment(s) {verb}."))
