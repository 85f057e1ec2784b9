"""Pieces shared by the apps' models, and the one table of the core: the data versions (core/data.py)."""

from django.db import models


class PublishedQuerySet(models.QuerySet):
    """Rows the public may see: the one meaning of "published" for every app."""

    def published(self):
        return self.filter(is_published=True)


class DataVersion(models.Model):
    """The version of one source of public data (one app's tables), shared by every process in the database.

    Replaced in the transaction of the write it follows (core.data.bump_data_version), so a worker, a second
    server or a management command all read the same token: caches and ETags are keyed on it.
    """

    source = models.CharField(max_length=40, primary_key=True)
    token = models.CharField(max_length=32)
    modified = models.DateTimeField()

    class Meta:
        verbose_name = "version des données"
        verbose_name_plural = "versions des données"

    def __str__(self):
        return f"{self.source}: {self.token}"
