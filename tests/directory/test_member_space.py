"""The member space: a member signs in, sees their organisation and proposes changes for moderation."""

import pytest
from django.core import mail
from django.urls import reverse

from directory.models import ProposedChange, ReviewStatus
from tests.factories import OrganisationFactory, ProposedChangeFactory
from tests.formdata import form_values

pytestmark = pytest.mark.django_db

SPACE = "directory:member-space"


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def test_visitor_is_asked_to_sign_in(visitor):
    response = visitor.get(reverse(SPACE))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("directory:member-login"))


def test_member_signs_in_with_the_login_form(client, member, member_organisation):
    response = client.post(
        reverse("directory:member-login"), {"username": "charlie", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(SPACE)
    assert member_organisation.name in client.get(reverse(SPACE)).text


def test_wrong_password_is_explained(client, member):
    response = client.post(reverse("directory:member-login"), {"username": "charlie", "password": "nope"})
    assert response.status_code == 200
    assert "Identifiant, adresse électronique ou mot de passe incorrect" in response.text


def test_member_sees_their_organisation(member_client, member_organisation):
    response = member_client.get(reverse(SPACE))
    assert response.status_code == 200
    assert member_organisation.name in response.text
    assert "Proposer une mise à jour" in response.text


def test_account_without_organisation_is_told_whom_to_ask(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse(SPACE))
    assert response.status_code == 200
    assert "n'est encore rattaché à aucune structure" in response.text.replace("&#x27;", "'")


def test_proposed_change_waits_for_moderation(member_client, member, member_organisation, settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["equipe@apes.example"]
    data = form_values(member_client.get(reverse(SPACE)).text, None)
    data = {key: value for key, value in data.items() if key != "csrfmiddlewaretoken"}
    data["website"] = "https://recyclerie.example"
    data["message"] = "Nous avons un nouveau site."
    response = member_client.post(reverse(SPACE), {**data, "organisation": member_organisation.slug})
    assert response.status_code == 302

    change = ProposedChange.objects.get()
    assert change.changes == {"website": "https://recyclerie.example"}
    assert change.proposed_by == member
    assert change.status == ReviewStatus.NEW
    member_organisation.refresh_from_db()
    assert member_organisation.website == ""  # nothing changes before staff accept
    assert len(mail.outbox) == 1
    assert member_organisation.name in mail.outbox[0].subject

    page = member_client.get(response["Location"])
    assert "en attente de vérification par l'équipe" in page.text


def test_nothing_changed_is_refused(member_client):
    data = form_values(member_client.get(reverse(SPACE)).text, None)
    data = {key: value for key, value in data.items() if key != "csrfmiddlewaretoken"}
    response = member_client.post(reverse(SPACE), data)
    assert response.status_code == 200
    assert "Vous n&#x27;avez rien modifié" in response.text
    assert ProposedChange.objects.count() == 0


def test_member_cannot_reach_another_organisation(member_client):
    other = OrganisationFactory()
    assert member_client.get(reverse(SPACE), {"organisation": other.slug}).status_code == 404
    response = member_client.post(
        reverse(SPACE) + f"?organisation={other.slug}",
        {"organisation": other.slug, "website": "https://pirate.example"},
    )
    assert response.status_code == 404
    assert ProposedChange.objects.count() == 0


def test_member_is_not_staff(member_client):
    response = member_client.get(reverse("admin:index"))
    assert response.status_code == 302  # to the admin login


def test_staff_attach_an_account_to_an_organisation(client, administrator, outsider, organisation):
    client.force_login(administrator)
    url = reverse("admin:directory_organisationmembership_add")
    response = client.post(url, {"user": outsider.pk, "organisation": organisation.pk})
    assert response.status_code == 302
    assert outsider.organisation_memberships.get().organisation == organisation


def test_an_overlong_username_is_a_wrong_login_not_a_server_error(client):
    """django-axes stores usernames in 255 characters: longer ones must be refused before authenticating."""
    response = client.post(reverse("directory:member-login"), {"username": "a" * 300, "password": "x"})
    assert response.status_code == 200
    assert "Identifiant, adresse électronique ou mot de passe incorrect" in response.text


def refuse_from_its_page(client, change, message):
    """Staff press "Refuser" on the proposal's own admin page, with a message to the member."""
    url = reverse("admin:directory_proposedchange_change", args=[change.pk])
    data = form_values(client.get(url).text, "proposedchange_form")
    return client.post(url, {**data, "_reject": "1", "decision_message": message})


def test_a_refused_proposal_shows_the_teams_message_in_the_member_space(
    client, administrator, member, member_organisation
):
    change = ProposedChangeFactory(
        organisation=member_organisation, proposed_by=member, changes={"phone": "03 20 00 00 00"}
    )
    client.force_login(administrator)
    message = "Le numéro semble incomplet : pouvez-vous le vérifier ?"
    assert refuse_from_its_page(client, change, message).status_code == 302
    change.refresh_from_db()
    assert change.status == ReviewStatus.REJECTED
    assert change.review_message == message

    client.force_login(member)
    with_proposals = client.get(reverse(SPACE)).text
    assert "refusée le" in with_proposals
    assert 'Message de l\'équipe : <q class="review-message">Le numéro semble incomplet' in with_proposals


def test_a_refusal_without_a_message_says_refused_only(client, administrator, member, member_organisation):
    change = ProposedChangeFactory(
        organisation=member_organisation, proposed_by=member, changes={"phone": "03 20 00 00 00"}
    )
    client.force_login(administrator)
    refuse_from_its_page(client, change, "")
    client.force_login(member)
    page = client.get(reverse(SPACE)).text
    assert "refusée le" in page
    assert "Message de l" not in page


def test_the_teams_message_is_escaped(client, administrator, member, member_organisation):
    change = ProposedChangeFactory(
        organisation=member_organisation, proposed_by=member, changes={"phone": "03 20 00 00 00"}
    )
    client.force_login(administrator)
    refuse_from_its_page(client, change, "<script>alert(1)</script>")
    client.force_login(member)
    page = client.get(reverse(SPACE)).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_member_space_query_count_stays_pinned_with_handled_proposals(
    client, member, member_organisation, django_assert_num_queries
):
    for status in (ReviewStatus.NEW, ReviewStatus.ACCEPTED, ReviewStatus.REJECTED):
        ProposedChangeFactory(organisation=member_organisation, proposed_by=member, status=status, review_message="Non")
    client.force_login(member)
    client.get(reverse(SPACE))  # warm the per-process caches
    # pinned: a query per proposal (or per message) would show here
    with django_assert_num_queries(6):
        assert client.get(reverse(SPACE)).status_code == 200


def test_an_accepted_proposal_is_recorded_in_the_history_with_its_author(client, administrator, member):
    change = ProposedChangeFactory(proposed_by=member, changes={"website": "https://nouveau.example"})
    client.force_login(administrator)
    url = reverse("admin:directory_proposedchange_change", args=[change.pk])
    data = form_values(client.get(url).text, "proposedchange_form")
    assert client.post(url, {**data, "_accept": "1", "decision_message": ""}).status_code == 302
    latest = change.organisation.history.first()
    assert latest.website == "https://nouveau.example"
    assert latest.history_change_reason == "Modification proposée par charlie, acceptée"
