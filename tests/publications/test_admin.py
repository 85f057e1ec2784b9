"""Staff publish documents and read their downloads, in total and month by month."""

import datetime
import html

import pytest
from django.urls import reverse

from tests.factories import PublicationFactory

pytestmark = pytest.mark.django_db


def at(year, month, day=10):
    return datetime.datetime(year, month, day, 12, tzinfo=datetime.UTC)


@pytest.fixture
def downloaded():
    publication = PublicationFactory(title="Mise en récit des territoires et ESS")
    for when in [at(2025, 3), at(2025, 3), at(2025, 4)]:
        publication.record_download(when=when)
    return publication


def test_the_list_shows_each_documents_total(client, administrator, downloaded):
    client.force_login(administrator)
    response = client.get(reverse("admin:publications_publication_changelist"))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Mise en récit des territoires et ESS" in page
    assert '<td class="field-download_count">3</td>' in page


def test_the_document_page_shows_downloads_per_month(client, administrator, downloaded):
    client.force_login(administrator)
    response = client.get(reverse("admin:publications_publication_change", args=[downloaded.pk]))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Téléchargements par mois" in page or "téléchargements par mois" in page
    assert "avril 2025" in page and "mars 2025" in page
    assert page.index("avril 2025") < page.index("mars 2025")  # newest month first
    assert "tirée de la première page du PDF" in page
    assert "2 pages" in page


def test_the_monthly_list_is_read_only(client, administrator, downloaded):
    client.force_login(administrator)
    response = client.get(reverse("admin:publications_downloadcount_changelist"))
    assert response.status_code == 200
    assert "mars 2025" in html.unescape(response.content.decode())
    assert client.get(reverse("admin:publications_downloadcount_add")).status_code == 403


def test_the_history_of_a_document_is_kept(client, administrator, downloaded):
    downloaded.title = "Mise en récit des territoires"
    downloaded.save()
    client.force_login(administrator)
    response = client.get(reverse("admin:publications_publication_history", args=[downloaded.pk]))
    assert response.status_code == 200
    assert downloaded.history.count() == 2
