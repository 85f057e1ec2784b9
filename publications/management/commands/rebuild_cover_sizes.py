"""Make the smaller copies (srcset) of every publication's cover: once after the migration that introduced them.

New and changed covers get theirs on save; this is for covers stored before, or after a change of COVER_SIZES.
"""

from django.core.management.base import BaseCommand

from core.data import bump_data_version
from publications.models import Publication


class Command(BaseCommand):
    help = "Refait les copies réduites (AVIF, WebP, JPEG) de la couverture de chaque publication."

    def handle(self, *args, **options):
        count = 0
        for publication in Publication.objects.exclude(cover=""):
            publication.rebuild_cover_sizes()
            Publication.objects.filter(pk=publication.pk).update(cover_sizes=publication.cover_sizes)
            count += 1
        if count:
            bump_data_version("publications")  # update() sends no signal: the pages' image sizes changed
        self.stdout.write(f"{count} couverture(s) déclinée(s) aux tailles des pages.")
