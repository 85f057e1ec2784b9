"""Abstract pieces shared by the apps' models (the core has no tables of its own)."""

from django.db import models


class PublishedQuerySet(models.QuerySet):
    """Rows the public may see: the one meaning of "published" for every app."""

    def published(self):
        return self.filter(is_published=True)
