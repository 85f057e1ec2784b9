"""Downloading a document: the file that arrives, its headers, the counters, and who may download."""

import datetime
import html
import threading
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from publications.access import can_download
from publications.models import DownloadCount, Publication
from tests.factories import PublicationFactory

pytestmark = pytest.mark.django_db


def this_month():
    return timezone.localdate().replace(day=1)


def page_text(response):
    return html.unescape(response.content.decode())


def downloaded_bytes(response):
    return b"".join(response.streaming_content)


def test_the_pdf_arrives_as_an_attachment_with_a_clean_name_and_its_length(visitor):
    publication = PublicationFactory(title="Mise en récit des territoires", slug="mise-en-recit-des-territoires")
    response = visitor.get(publication.get_download_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="mise-en-recit-des-territoires.pdf"'
    body = downloaded_bytes(response)
    assert body.startswith(b"%PDF-")
    with publication.pdf_file.open("rb") as stored:
        assert body == stored.read()
    assert int(response["Content-Length"]) == len(body) == publication.file_size
    assert "private" in response["Cache-Control"]


def test_each_download_is_counted_in_total_and_for_the_month(visitor):
    publication = PublicationFactory()
    for _ in range(2):
        downloaded_bytes(visitor.get(publication.get_download_url()))
    publication.refresh_from_db()
    assert publication.download_count == 2
    assert DownloadCount.objects.get(publication=publication, month=this_month()).count == 2


def test_a_new_month_starts_a_new_row():
    publication = PublicationFactory()
    publication.record_download(when=datetime.datetime(2025, 1, 31, 12, tzinfo=datetime.UTC))
    publication.record_download(when=datetime.datetime(2025, 2, 1, 12, tzinfo=datetime.UTC))
    publication.record_download(when=datetime.datetime(2025, 2, 14, 12, tzinfo=datetime.UTC))
    counts = dict(publication.monthly_downloads.values_list("month", "count"))
    assert counts == {datetime.date(2025, 1, 1): 1, datetime.date(2025, 2, 1): 2}
    publication.refresh_from_db()
    assert publication.download_count == 3


def test_head_gives_the_headers_without_counting(visitor):
    publication = PublicationFactory()
    response = visitor.head(publication.get_download_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert int(response["Content-Length"]) == publication.file_size
    assert response["Content-Disposition"].startswith("attachment;")
    assert downloaded_bytes(response) == b""
    publication.refresh_from_db()
    assert publication.download_count == 0
    assert not DownloadCount.objects.exists()


def test_other_methods_are_refused(visitor):
    publication = PublicationFactory()
    assert visitor.post(publication.get_download_url()).status_code == 405


def test_unknown_unpublished_and_missing_files_answer_404(visitor):
    assert visitor.get(reverse("publications:publication-download", args=["n-existe-pas"])).status_code == 404
    hidden = PublicationFactory(is_published=False)
    assert visitor.get(hidden.get_download_url()).status_code == 404
    lost = PublicationFactory()
    lost.pdf_file.storage.delete(lost.pdf_file.name)
    response = visitor.get(lost.get_download_url())
    assert response.status_code == 404
    lost.refresh_from_db()
    assert lost.download_count == 0


def test_a_partner_document_without_file_sends_to_the_partner_and_counts(visitor):
    publication = Publication.objects.create(
        title="Panorama d'un partenaire",
        slug="panorama-partenaire",
        collection=Publication.Collection.PARTNERS,
        summary="Un panorama.",
        external_url="https://example.org/panorama.pdf",
    )
    response = visitor.get(publication.get_download_url())
    assert response.status_code == 302
    assert response["Location"] == "https://example.org/panorama.pdf"
    publication.refresh_from_db()
    assert publication.download_count == 1


def test_an_old_address_still_downloads_after_a_rename(visitor):
    publication = PublicationFactory(slug="ancien-nom")
    publication.slug = "nouveau-nom"
    publication.save()
    old = reverse("publications:publication-download", args=["ancien-nom"])
    response = visitor.get(old)
    assert response.status_code == 301
    assert response["Location"] == reverse("publications:publication-download", args=["nouveau-nom"])


# Members-only documents -----------------------------------------------------------------------------------


@pytest.fixture
def reserved():
    return PublicationFactory(title="Note interne du réseau", access=Publication.Access.MEMBERS)


def test_an_anonymous_visitor_is_asked_to_sign_in(visitor, reserved):
    url = reserved.get_download_url()
    response = visitor.get(url)
    assert response.status_code == 403
    page = page_text(response)
    assert "Document réservé aux adhérents" in page
    back = f"{reserved.get_absolute_url()}?telecharger=1#telechargement"
    assert f'href="{resolve_url(settings.LOGIN_URL)}?next={quote(back, safe="")}"' in page
    reserved.refresh_from_db()
    assert reserved.download_count == 0


def test_a_signed_in_non_member_gets_a_clear_refusal(client, outsider, reserved):
    client.force_login(outsider)
    response = client.get(reserved.get_download_url())
    assert response.status_code == 403
    page = page_text(response)
    assert "n'est pas rattaché à une structure adhérente" in page
    assert "oscar" in page
    assert "Se connecter" not in page


def test_a_member_downloads(client, member, reserved):
    client.force_login(member)
    response = client.get(reserved.get_download_url())
    assert response.status_code == 200
    assert downloaded_bytes(response).startswith(b"%PDF-")
    reserved.refresh_from_db()
    assert reserved.download_count == 1


def test_staff_download(client, editor, reserved):
    client.force_login(editor)
    response = client.get(reserved.get_download_url())
    assert response.status_code == 200
    assert downloaded_bytes(response).startswith(b"%PDF-")


def test_a_member_group_grants_access(outsider, reserved):
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Adhérent·e")
    group.permissions.add(Permission.objects.get(codename="download_members_only"))
    assert not can_download(outsider, reserved)
    outsider.groups.add(group)
    outsider = type(outsider).objects.get(pk=outsider.pk)  # permissions are cached per user object
    assert can_download(outsider, reserved)


def test_the_detail_page_offers_the_right_button(client, visitor, outsider, member, reserved):
    anonymous_page = page_text(visitor.get(reserved.get_absolute_url()))
    assert "Se connecter pour télécharger" in anonymous_page
    client.force_login(outsider)
    outsider_page = page_text(client.get(reserved.get_absolute_url()))
    assert "votre compte n'y donne pas accès" in outsider_page
    assert reserved.get_download_url() not in outsider_page
    client.force_login(member)
    member_page = page_text(client.get(reserved.get_absolute_url()))
    assert f'href="{reserved.get_download_url()}"' in member_page


# Concurrency ------------------------------------------------------------------------------------------------


def run_together(count, work):
    """Run `work()` in `count` threads released at the same instant; each thread has its own DB connection."""
    barrier = threading.Barrier(count)
    errors = []

    def target():
        try:
            barrier.wait(timeout=10)
            work()
        except Exception as error:  # collected and re-raised in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_downloads_count_two():
    """Two people download at the same time, on separate connections: both count, in total and for the month."""
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need a server database; SQLite serialises them anyway.")
    publication = PublicationFactory()
    url = publication.get_download_url()
    statuses = []

    def download():
        response = Client().get(url)
        statuses.append(response.status_code)
        downloaded_bytes(response)
        response.close()

    run_together(2, download)
    assert statuses == [200, 200]
    publication.refresh_from_db()
    assert publication.download_count == 2
    assert DownloadCount.objects.get(publication=publication, month=this_month()).count == 2


@pytest.mark.django_db(transaction=True)
def test_many_simultaneous_first_downloads_of_the_month_all_count():
    """Racing to create the month's row: the unique constraint makes the losers increment instead."""
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need a server database; SQLite serialises them anyway.")
    publication = PublicationFactory()

    def download_five_times():
        for _ in range(5):
            Publication.objects.get(pk=publication.pk).record_download()

    run_together(8, download_five_times)
    publication.refresh_from_db()
    assert publication.download_count == 40
    assert DownloadCount.objects.get(publication=publication, month=this_month()).count == 40


def test_an_account_attached_to_a_member_organisation_downloads(outsider, reserved):
    """Staff attach an account to a member organisation (the member space): that alone opens the carnets."""
    from tests.factories import OrganisationFactory, OrganisationMembershipFactory

    non_member = OrganisationFactory(is_member=False)
    OrganisationMembershipFactory(user=outsider, organisation=non_member)
    assert not can_download(outsider, reserved)
    member = OrganisationFactory(is_member=True)
    OrganisationMembershipFactory(user=outsider, organisation=member)
    assert can_download(outsider, reserved)
