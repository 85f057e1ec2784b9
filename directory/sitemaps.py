"""Sitemap entries of the directory: the list, the map and every published organisation."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from directory.models import Organisation


class DirectoryPagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return ["directory:organisation-list", "directory:map"]

    def location(self, item):
        return reverse(item)


class OrganisationSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5
    limit = 5000

    def items(self):
        return Organisation.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, organisation):
        return organisation.updated_at


sitemaps = {"directory": DirectoryPagesSitemap, "organisations": OrganisationSitemap}
