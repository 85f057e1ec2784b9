"""Search engines find every public page through /sitemap.xml; robots.txt points at it."""

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_sitemap_lists_site_pages_and_published_organisations_only(visitor):
    published = OrganisationFactory(name="Maison du Vélo", slug="maison-du-velo")
    hidden = OrganisationFactory(name="Brouillon", slug="brouillon", is_published=False)
    response = visitor.get(reverse("sitemap"))
    assert response.status_code == 200
    xml = response.content.decode()
    assert "<loc>http://testserver/charte/</loc>" in xml
    assert f"<loc>http://testserver{reverse('directory:organisation-list')}</loc>" in xml
    assert f"http://testserver{published.get_absolute_url()}" in xml
    assert hidden.get_absolute_url() not in xml


def test_robots_txt_points_at_the_sitemap_and_hides_the_member_space(visitor):
    response = visitor.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /espace-membre/" in body


def test_robots_txt_keeps_crawlers_off_the_directory_filter_combinations(visitor):
    """Crawlers walking every filter and page of the list miss the page cache on every request; the
    organisation pages they are after are in the sitemap, and the unfiltered list stays open."""
    lines = visitor.get("/robots.txt").content.decode().splitlines()
    assert "Disallow: /annuaire/?" in lines
    assert "Disallow: /carte/?" in lines
    assert "Disallow: /annuaire/" not in lines
