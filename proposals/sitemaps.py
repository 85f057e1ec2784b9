"""Sitemap entries of the Municipales 2026 pages (the campaign and its public commitments)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from proposals.models import Campaign


class CampaignSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        campaign = Campaign.objects.current()
        return [] if campaign is None else [("proposals:campaign", campaign), ("proposals:commitment-list", campaign)]

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return item[1].updated_at


sitemaps = {"proposals": CampaignSitemap}
