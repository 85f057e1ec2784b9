"""Sitemap entries of the publications (the list page and every published document)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from publications.models import Publication


class PublicationSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Publication.objects.published().newest_first().only("slug", "updated_at")

    def lastmod(self, publication):
        return publication.updated_at


class PublicationIndexSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.7

    def items(self):
        return ["publications:publication-list"]

    def location(self, name):
        return reverse(name)


sitemaps = {"publications": PublicationSitemap, "publications-index": PublicationIndexSitemap}
