"""Sitemap entries of the territories pages: the regional page, lists, EPCI, dynamics, themes, initiatives."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from territories.models import Dynamic, Epci, Initiative, Theme


class TerritoryPagesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.7

    def items(self):
        return ["territories:index", "territories:dynamic-list", "territories:initiative-list"]

    def location(self, item):
        return reverse(item)


class EpciSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Epci.objects.only("slug").order_by("slug")


class ThemeSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Theme.objects.all()


class DynamicSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Dynamic.objects.published().only("slug", "updated_at").order_by("slug")

    def lastmod(self, dynamic):
        return dynamic.updated_at


class InitiativeSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Initiative.objects.published().only("slug", "updated_at").order_by("slug")

    def lastmod(self, initiative):
        return initiative.updated_at


sitemaps = {
    "territories": TerritoryPagesSitemap,
    "epci": EpciSitemap,
    "themes": ThemeSitemap,
    "dynamics": DynamicSitemap,
    "initiatives": InitiativeSitemap,
}
