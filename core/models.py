"""Pieces shared by the apps' models, and the one table of the core: the data versions (core/data.py)."""

from django.db import models


class PublishedQuerySet(models.QuerySet):
    """Rows the public may see: the one meaning of "published" for every app."""

    def published(self):
        return self.filter(is_published=True)

    def renamed(self, slug):
        """The published row that once had `slug` and now has another (its change history remembers), or None.

        Pages answer a former slug with a 301 to the current URL, so links shared before a rename keep working.
        Needs `history = HistoricalRecords()` on the model.
        """
        former = self.model.history.filter(slug=slug).order_by("-history_date").values_list("id", flat=True).first()
        if former is None:
            return None
        return self.published().exclude(slug=slug).filter(pk=former).only("slug").first()


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
