"""The Atom feeds answer validators derived from the data version (`core.data.versioned`).

Their ETag is stable while nothing changes and the same for any process (it derives from the version row
in the database, not from the process), a revalidation gets 304 without a query, and any change the feed
shows — a new publication, a renamed theme, a new follow-up update — gives a new ETag.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils.http import http_date, parse_http_date

from core.data import data_version, forget_data_versions
from tests.factories import CommitmentUpdateFactory, EpciFactory, PublicationFactory, ThemeFactory

pytestmark = pytest.mark.django_db

PUBLICATIONS_FEED = reverse("publications:publication-feed")
UPDATES_FEED = reverse("proposals:update-feed")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_publications_feed_revalidates_until_a_publication_is_added(visitor, django_assert_num_queries):
    PublicationFactory(title="Carnet des communs", published_on=datetime.date(2025, 3, 1))
    first = visitor.get(PUBLICATIONS_FEED)
    etag = first["ETag"]
    assert first.status_code == 200 and "Carnet des communs" in first.content.decode()
    # Another process reads the same version row: the same ETag, not one of this process.
    forget_data_versions()
    assert visitor.get(PUBLICATIONS_FEED)["ETag"] == etag
    assert parse_http_date(first["Last-Modified"]) == data_version("publications")["modified"]

    with django_assert_num_queries(0):
        revalidated = visitor.get(PUBLICATIONS_FEED, headers={"If-None-Match": etag})
    assert revalidated.status_code == 304 and revalidated.content == b""
    assert revalidated["ETag"] == etag

    PublicationFactory(title="Panorama des tiers-lieux", published_on=datetime.date(2025, 9, 1))
    changed = visitor.get(PUBLICATIONS_FEED, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Panorama des tiers-lieux" in changed.content.decode()
    assert changed["ETag"] != etag


def test_a_renamed_theme_changes_the_publications_feed(visitor):
    theme = ThemeFactory(name="Mobilités")
    PublicationFactory(title="Carnet des mobilités").themes.add(theme)
    etag = visitor.get(PUBLICATIONS_FEED)["ETag"]
    theme.name = "Mobilités solidaires"
    theme.save()
    renamed = visitor.get(PUBLICATIONS_FEED, headers={"If-None-Match": etag})
    assert renamed.status_code == 200 and 'term="Mobilités solidaires"' in renamed.content.decode()


def test_the_updates_feed_has_one_etag_per_filter_and_honours_if_modified_since(visitor):
    epci = EpciFactory()
    everything = visitor.get(UPDATES_FEED)
    per_epci = visitor.get(UPDATES_FEED, {"epci": epci.siren})
    assert everything.status_code == per_epci.status_code == 200
    assert everything["ETag"] != per_epci["ETag"]
    assert (
        visitor.get(UPDATES_FEED, {"epci": epci.siren}, headers={"If-None-Match": per_epci["ETag"]}).status_code == 304
    )
    since = http_date(data_version("proposals")["modified"])
    assert visitor.get(UPDATES_FEED, headers={"If-Modified-Since": since}).status_code == 304


def test_a_published_update_changes_the_updates_feed(visitor):
    etag = visitor.get(UPDATES_FEED)["ETag"]
    CommitmentUpdateFactory(note="Le marché local est ouvert.")
    changed = visitor.get(UPDATES_FEED, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Le marché local est ouvert." in changed.content.decode()


def test_an_unknown_epci_answers_404_with_nothing_to_revalidate(visitor):
    response = visitor.get(UPDATES_FEED, {"epci": "999999999"})
    assert response.status_code == 404
    assert not response.has_header("ETag") and not response.has_header("Last-Modified")
