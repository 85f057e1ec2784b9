"""The site's sitemap: site-wide pages here, each app's entries from its own sitemaps module."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from directory.sitemaps import sitemaps as directory_sitemaps
from proposals.sitemaps import sitemaps as proposals_sitemaps
from publications.sitemaps import sitemaps as publications_sitemaps
from territories.sitemaps import sitemaps as territories_sitemaps


class SitePagesSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return ["home", "about", "charter", "legal", "accessibility"]

    def location(self, item):
        return reverse(item)


sitemaps = {
    "pages": SitePagesSitemap,
    **directory_sitemaps,
    **territories_sitemaps,
    **proposals_sitemaps,
    **publications_sitemaps,
}
