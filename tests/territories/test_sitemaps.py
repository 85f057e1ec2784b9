"""Sitemap entries of the territories pages (wired into the site's sitemap by apes_portal/urls.py)."""

import pytest

from territories.sitemaps import sitemaps
from tests.factories import DynamicFactory, EpciFactory, InitiativeFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def locations(name):
    sitemap = sitemaps[name]()
    return [
        sitemap.location(item) if hasattr(sitemap, "location") else item.get_absolute_url() for item in sitemap.items()
    ]


def test_sitemaps_list_published_pages_only():
    epci = EpciFactory()
    theme = ThemeFactory()
    published = DynamicFactory(theme=theme)
    DynamicFactory(theme=theme, is_published=False)
    initiative = InitiativeFactory()
    InitiativeFactory(is_published=False)

    assert locations("territories") == ["/territoires/", "/dynamiques/", "/initiatives/"]
    assert locations("epci") == [epci.get_absolute_url()]
    assert locations("themes") == [theme.get_absolute_url()]
    assert locations("dynamics") == [published.get_absolute_url()]
    assert locations("initiatives") == [initiative.get_absolute_url()]
