"""Small dead ends fixed: the email-reveal URL reloaded, sign-in from a download, handled proposals."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from directory.models import ReviewStatus
from publications.models import Publication
from tests.factories import ProposedChangeFactory, PublicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """The carnets' PDFs land in a fresh temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


def test_reloading_the_email_reveal_url_goes_back_to_the_page(visitor, organisation):
    response = visitor.get(reverse("directory:organisation-email", kwargs={"slug": organisation.slug}))
    assert response.status_code == 302
    assert response["Location"] == organisation.get_absolute_url()


def test_signing_in_from_a_download_returns_to_the_page_which_starts_it(client, member):
    reserved = PublicationFactory(access=Publication.Access.MEMBERS)
    refused = client.get(reserved.get_download_url())
    assert refused.status_code == 403

    signed_in = client.post(
        refused.context["login_url"],
        {"username": "charlie", "password": "correct horse battery staple"},
    )
    back = signed_in["Location"]
    assert back == f"{reserved.get_absolute_url()}?telecharger=1#telechargement"
    page = client.get(back).text
    assert f'<meta http-equiv="refresh" content="1;url={reserved.get_download_url()}">' in page
    assert "le téléchargement va commencer" in page
    assert resolve_url(settings.LOGIN_URL) in refused.context["login_url"]


def test_the_page_alone_starts_no_download(client, member):
    reserved = PublicationFactory(access=Publication.Access.MEMBERS)
    client.force_login(member)
    assert 'http-equiv="refresh"' not in client.get(reserved.get_absolute_url()).text


def test_without_access_the_page_starts_no_download(client, outsider):
    reserved = PublicationFactory(access=Publication.Access.MEMBERS)
    client.force_login(outsider)
    assert 'http-equiv="refresh"' not in client.get(f"{reserved.get_absolute_url()}?telecharger=1").text


def test_the_member_space_keeps_handled_proposals_with_their_outcome(client, member, member_organisation):
    ProposedChangeFactory(organisation=member_organisation, proposed_by=member)
    ProposedChangeFactory(organisation=member_organisation, proposed_by=member, status=ReviewStatus.ACCEPTED)
    ProposedChangeFactory(organisation=member_organisation, proposed_by=member, status=ReviewStatus.REJECTED)
    ProposedChangeFactory(organisation=member_organisation)  # someone else's: not listed
    client.force_login(member)
    page = client.get(reverse("directory:member-space")).text
    assert page.count("en attente de vérification") == 1
    assert page.count("la fiche est à jour") == 1
    assert page.count("refusée le") == 1


def test_the_member_space_query_count_does_not_grow_with_proposals(
    client, member, member_organisation, django_assert_num_queries
):
    """Session, user, memberships, organisation's form, proposals: the list adds one query, not one per row."""
    for _ in range(5):
        ProposedChangeFactory(organisation=member_organisation, proposed_by=member)
    client.force_login(member)
    client.get(reverse("directory:member-space"))
    with django_assert_num_queries(6):
        client.get(reverse("directory:member-space"))
