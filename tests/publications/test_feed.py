"""The Atom feed /carnets/feed/ and the sitemap entries."""

import datetime
import html
import xml.etree.ElementTree as ET

import pytest
from django.contrib.sitemaps.views import sitemap
from django.test import RequestFactory
from django.urls import reverse

from publications.models import Publication
from publications.sitemaps import sitemaps
from tests.factories import PublicationFactory, ThemeFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_URL = reverse("publications:publication-feed")


def parse_atom(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def assert_valid_atom(feed):
    """The elements RFC 4287 requires: feed id/title/updated and an author; entry id/title/updated/link."""
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}") is not None and feed.find(f"{ATOM}{name}").text, name
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    ids = []
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}") is not None and entry.find(f"{ATOM}{name}").text, name
        datetime.datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
        ids.append(entry.find(f"{ATOM}id").text)
    assert len(ids) == len(set(ids))


def test_the_feed_is_valid_atom_newest_first(visitor):
    theme = ThemeFactory(name="Mise en récit")
    PublicationFactory(title="Carnet 2021", published_on=datetime.date(2021, 1, 1))
    newest = PublicationFactory(title="Panorama 2025", published_on=datetime.date(2025, 7, 1))
    newest.themes.add(theme)
    PublicationFactory(title="Carnet 2024", published_on=datetime.date(2024, 1, 1))
    PublicationFactory(title="Plaquette non datée", published_on=None)
    PublicationFactory(title="Brouillon", published_on=datetime.date(2026, 1, 1), is_published=False)

    feed = parse_atom(visitor.get(FEED_URL))
    assert_valid_atom(feed)
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == [
        "Panorama 2025",
        "Carnet 2024",
        "Carnet 2021",
        "Plaquette non datée",
    ]
    published = [entry.find(f"{ATOM}published").text for entry in entries[:3]]
    assert published == sorted(published, reverse=True)

    first = entries[0]
    assert first.find(f"{ATOM}link[@rel='alternate']").get("href") == f"http://testserver{newest.get_absolute_url()}"
    enclosure = first.find(f"{ATOM}link[@rel='enclosure']")
    assert enclosure.get("href") == f"http://testserver{newest.get_download_url()}"
    assert enclosure.get("type") == "application/pdf"
    assert enclosure.get("length") == str(newest.file_size)
    assert {c.get("term") for c in first.findall(f"{ATOM}category")} == {"Les carnets de l'Apes", "Mise en récit"}
    assert first.find(f"{ATOM}author/{ATOM}name").text == "Apes Hauts-de-France"


def test_members_only_documents_are_announced_without_their_file(visitor):
    PublicationFactory(title="Note réservée", access=Publication.Access.MEMBERS)
    entry = parse_atom(visitor.get(FEED_URL)).find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "Note réservée"
    assert entry.find(f"{ATOM}link[@rel='enclosure']") is None


def test_the_pages_announce_the_feed(visitor):
    publication = PublicationFactory()
    for url in (reverse("publications:publication-list"), publication.get_absolute_url()):
        page = html.unescape(visitor.get(url).content.decode())
        assert f'type="application/atom+xml" title="Publications de l\'Apes Hauts-de-France" href="{FEED_URL}"' in page


def test_the_sitemap_lists_published_documents_and_the_library():
    published = PublicationFactory()
    hidden = PublicationFactory(is_published=False)
    response = sitemap(RequestFactory().get("/sitemap.xml"), sitemaps=sitemaps)
    response.render()
    content = response.content.decode()
    assert f"<loc>http://testserver{published.get_absolute_url()}</loc>" in content
    assert f"{hidden.get_absolute_url()}</loc>" not in content
    assert f"<loc>http://testserver{reverse('publications:publication-list')}</loc>" in content
    assert "<lastmod>" in content
