"""`manage.py check_sirene`: compare the organisations that have a SIREN or SIRET with the SIRENE registry.

Records what the registry says (ESS, SIAE, active or closed and since when, the date of the check) and
files findings in the staff queue; never edits a record. Meant to run weekly (docs/open-data.md).
Exit status 0 even when some organisations could not be checked: they are listed, and the next run
tries them again.
"""

from django.core.management.base import BaseCommand

from directory import sirene


class Command(BaseCommand):
    help = "Vérifie dans SIRENE (API Recherche d'entreprises) les organisations qui ont un SIREN ou un SIRET."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=0, help="Au plus ce nombre d'organisations (0 : toutes).")

    def handle(self, *args, limit=0, **options):
        organisations = sirene.organisations_to_check()
        if limit:
            organisations = organisations[:limit]
        verbose = options["verbosity"] > 1
        report = sirene.check_organisations(
            organisations.iterator(), log=(lambda message: self.stdout.write(message)) if verbose else (lambda m: None)
        )
        self.stdout.write(
            f"{report.checked} organisation(s) vérifiée(s), dont {report.ess} ESS selon SIRENE ; "
            f"{report.findings} constat(s) pour l'équipe."
        )
        if report.failed:
            names = ", ".join(organisation.name for organisation, _ in report.failed[:20])
            self.stderr.write(
                f"{len(report.failed)} organisation(s) non vérifiée(s), laissée(s) telle(s) quelle(s), "
                f"à réessayer au prochain passage : {names}."
            )
