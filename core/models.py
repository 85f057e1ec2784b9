"""Abstract pieces shared by the apps' models (the core has no tables of its own)."""

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
