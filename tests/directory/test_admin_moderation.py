"""Staff review of applications, corrections and members' proposals; duplicate detection."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.urls import reverse
from stdnum import luhn

from directory.models import MembershipApplication, Organisation, ReviewStatus
from directory.moderation import find_duplicates, names_are_similar
from tests.data_versions import data_version_writes, seen_elsewhere
from tests.factories import (
    CorrectionRequestFactory,
    MembershipApplicationFactory,
    OrganisationFactory,
    ProposedChangeFactory,
    SectorFactory,
    UserFactory,
)
from tests.formdata import form_values

pytestmark = pytest.mark.django_db


def run_action(client, model_name, action, objects):
    return client.post(
        reverse(f"admin:directory_{model_name}_changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
        follow=True,
    )


@pytest.mark.parametrize(
    "first, second, similar",
    [
        ("Maillage", "Association Maillage", True),
        ("Activ'Cités", "Activ Cites", True),
        ("La Ressourcerie du Hainaut", "Ressourcerie Hainaut", True),
        ("Maillage", "Collectif Parasites", False),
        ("El Market", "Le Marché solidaire", False),
    ],
)
def test_names_are_similar(first, second, similar):
    assert names_are_similar(first, second) is similar


def test_duplicates_need_the_same_commune_or_siren(commune):
    base = "51234567"
    siren = base + luhn.calc_check_digit(base)
    same_place = OrganisationFactory(name="Maillage", commune=commune)
    elsewhere = OrganisationFactory(name="Maillage")  # another commune
    same_siren = OrganisationFactory(name="Tout autre nom", siren=siren)
    found = {d.organisation for d in find_duplicates(name="Asso Maillage", commune=commune, siren=siren)}
    assert found == {same_place, same_siren}
    assert elsewhere not in found


def test_accepting_an_application_creates_an_unpublished_member(administrator_client):
    sector = SectorFactory(slug="alimentation", name="Alimentation")
    application = MembershipApplicationFactory(organisation_name="Épicerie solidaire du Quartier")
    application.sectors.add(sector)
    # Sent at 00:30 in France on 15 March, which is still 14 March in UTC.
    sent = datetime.datetime(2026, 3, 14, 23, 30, tzinfo=datetime.UTC)
    MembershipApplication.objects.filter(pk=application.pk).update(created_at=sent)

    response = run_action(administrator_client, "membershipapplication", "approve_selected", [application])
    assert "créée (non publiée)" in response.text

    organisation = Organisation.objects.get(name="Épicerie solidaire du Quartier")
    assert not organisation.is_published
    assert organisation.is_member
    assert organisation.member_since is not None
    assert organisation.charter_signed_on == datetime.date(2026, 3, 15)
    assert organisation.commune == application.commune
    assert organisation.kind == application.kind
    assert list(organisation.sectors.all()) == [sector]
    assert organisation.email == ""  # the contact's personal address is not made public
    application.refresh_from_db()
    assert application.status == ReviewStatus.ACCEPTED
    assert application.organisation == organisation
    assert organisation.history.first().history_change_reason.startswith("Demande d'adhésion")
    # not visible to the public until staff publish it
    assert Organisation.objects.published().filter(pk=organisation.pk).count() == 0


def test_accepting_an_application_with_a_known_siren_updates_that_record(administrator_client):
    base = "61234567"
    siren = base + luhn.calc_check_digit(base)
    existing = OrganisationFactory(name="Recyclerie du Douaisis", siren=siren, is_member=False, is_published=True)
    application = MembershipApplicationFactory(organisation_name="Recyclerie du Douaisis", siren=siren)

    response = run_action(administrator_client, "membershipapplication", "approve_selected", [application])
    assert "mise à jour" in response.text
    assert Organisation.objects.count() == 1
    existing.refresh_from_db()
    assert existing.is_member
    assert existing.is_published  # an already published record stays published


def test_application_page_points_to_likely_duplicates(administrator_client):
    application = MembershipApplicationFactory(organisation_name="Association Maillage")
    existing = OrganisationFactory(name="Maillage", commune=application.commune)
    response = administrator_client.get(reverse("admin:directory_membershipapplication_change", args=[application.pk]))
    assert "ressemble peut-être à une fiche existante" in response.text
    assert reverse("admin:directory_organisation_change", args=[existing.pk]) in response.text


def test_rejecting_an_application_creates_nothing(administrator_client):
    application = MembershipApplicationFactory()
    run_action(administrator_client, "membershipapplication", "refuse_selected", [application])
    application.refresh_from_db()
    assert application.status == ReviewStatus.REJECTED
    assert Organisation.objects.count() == 0


def test_accept_twice_does_nothing_more(administrator_client):
    application = MembershipApplicationFactory()
    run_action(administrator_client, "membershipapplication", "approve_selected", [application])
    run_action(administrator_client, "membershipapplication", "approve_selected", [application])
    assert Organisation.objects.count() == 1


def test_applications_cannot_be_typed_in_the_admin(administrator_client):
    assert administrator_client.get(reverse("admin:directory_membershipapplication_add")).status_code == 403
    assert MembershipApplication.objects.count() == 0


def test_corrections_are_closed_or_refused(administrator_client):
    handled, refused = CorrectionRequestFactory(), CorrectionRequestFactory()
    run_action(administrator_client, "correctionrequest", "approve_selected", [handled])
    run_action(administrator_client, "correctionrequest", "refuse_selected", [refused])
    handled.refresh_from_db()
    refused.refresh_from_db()
    assert handled.status == ReviewStatus.ACCEPTED
    assert refused.status == ReviewStatus.REJECTED


def test_correction_page_links_to_the_organisation(administrator_client):
    correction = CorrectionRequestFactory()
    response = administrator_client.get(reverse("admin:directory_correctionrequest_change", args=[correction.pk]))
    assert reverse("admin:directory_organisation_change", args=[correction.organisation.pk]) in response.text
    assert correction.message in response.text


def test_proposed_change_shows_current_and_proposed_values(administrator_client):
    change = ProposedChangeFactory(changes={"website": "https://nouveau-site.example"})
    change.organisation.website = "https://ancien-site.example"
    change.organisation.save()
    response = administrator_client.get(reverse("admin:directory_proposedchange_change", args=[change.pk]))
    assert "https://ancien-site.example" in response.text
    assert "https://nouveau-site.example" in response.text


def test_accepting_a_proposed_change_updates_the_record_with_history(administrator_client):
    change = ProposedChangeFactory(changes={"website": "https://nouveau-site.example", "phone": "03 20 00 00 00"})
    run_action(administrator_client, "proposedchange", "approve_selected", [change])
    organisation = change.organisation
    organisation.refresh_from_db()
    assert organisation.website == "https://nouveau-site.example"
    assert organisation.phone == "03 20 00 00 00"
    change.refresh_from_db()
    assert change.status == ReviewStatus.ACCEPTED
    assert "acceptée" in organisation.history.first().history_change_reason


def test_an_invalid_proposed_change_is_reported_not_applied(administrator_client):
    change = ProposedChangeFactory(changes={"email": "pas-une-adresse"})
    response = run_action(administrator_client, "proposedchange", "approve_selected", [change])
    assert "non appliquée" in response.text
    change.refresh_from_db()
    assert change.status == ReviewStatus.NEW
    assert len(mail.outbox) == 0


def test_accept_from_the_application_page_after_a_correction(administrator_client):
    application = MembershipApplicationFactory(organisation_name="Epicerie solidaire (faute de frappe)")
    url = reverse("admin:directory_membershipapplication_change", args=[application.pk])
    page = administrator_client.get(url)
    assert 'name="_accept"' in page.text
    data = form_values(page.text, "membershipapplication_form")
    data["organisation_name"] = "Épicerie solidaire du Quartier"
    data["_accept"] = "1"
    response = administrator_client.post(url, data)
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:directory_organisation_change", args=[organisation.pk])
    assert organisation.name == "Épicerie solidaire du Quartier"
    assert not organisation.is_published
    # once accepted, the buttons are gone
    assert 'name="_accept"' not in administrator_client.get(url).text


def test_refuse_from_the_application_page(administrator_client):
    application = MembershipApplicationFactory()
    url = reverse("admin:directory_membershipapplication_change", args=[application.pk])
    data = form_values(administrator_client.get(url).text, "membershipapplication_form")
    data["_reject"] = "1"
    assert administrator_client.post(url, data).status_code == 302
    application.refresh_from_db()
    assert application.status == ReviewStatus.REJECTED
    assert Organisation.objects.count() == 0


def test_view_on_site_only_for_what_has_a_public_page(administrator_client):
    application = MembershipApplicationFactory()
    hidden = OrganisationFactory(is_published=False)
    published = OrganisationFactory(is_published=True)

    def page(obj):
        meta = obj._meta
        return administrator_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))

    assert "Voir sur le site" not in page(application).text
    assert "Voir sur le site" not in page(hidden).text
    assert "Voir sur le site" in page(published).text


def test_refusing_twice_counts_once(administrator_client):
    change = ProposedChangeFactory()
    run_action(administrator_client, "proposedchange", "refuse_selected", [change])
    response = run_action(administrator_client, "proposedchange", "refuse_selected", [change])
    assert "0 modification(s) refusée(s)." in response.text


def change_page(obj):
    return reverse(f"admin:directory_{obj._meta.model_name}_change", args=[obj.pk])


def decide(client, obj, button, message=""):
    """Press "Accepter" or "Refuser" on the submission's own page, as the browser sends it."""
    form_id = f"{obj._meta.model_name}_form"
    data = form_values(client.get(change_page(obj)).text, form_id)
    data[button] = "1"
    data["decision_message"] = message
    return client.post(change_page(obj), data)


def test_a_proposed_change_is_accepted_from_its_own_page_and_the_member_told(administrator_client):
    change = ProposedChangeFactory(changes={"website": "https://nouveau-site.example"})
    page = administrator_client.get(change_page(change)).text
    assert 'value="Accepter"' in page and 'value="Refuser"' in page
    assert "https://nouveau-site.example" in page  # the proposal, beside the current value

    response = decide(administrator_client, change, "_accept", "Merci pour la mise à jour !")
    assert response.status_code == 302
    change.refresh_from_db()
    change.organisation.refresh_from_db()
    assert change.status == ReviewStatus.ACCEPTED
    assert change.organisation.website == "https://nouveau-site.example"
    message = mail.outbox[-1]
    assert message.to == [change.proposed_by.email]
    assert "sont acceptées" in message.body and "Merci pour la mise à jour !" in message.body
    assert 'value="Accepter"' not in administrator_client.get(change_page(change)).text


def test_refusing_an_application_tells_the_applicant_with_the_message(administrator_client):
    application = MembershipApplicationFactory()
    decide(administrator_client, application, "_reject", "Votre siège est hors de la région.")
    application.refresh_from_db()
    assert application.status == ReviewStatus.REJECTED
    assert application.staff_notes.endswith("Votre siège est hors de la région.")  # kept for the team too
    message = mail.outbox[-1]
    assert message.to == [application.email]
    assert "ne pouvons pas y donner suite" in message.body
    assert "Votre siège est hors de la région." in message.body


def test_accepting_an_application_tells_the_applicant(administrator_client):
    application = MembershipApplicationFactory()
    decide(administrator_client, application, "_accept")
    assert mail.outbox[-1].to == [application.email]
    assert "est acceptée" in mail.outbox[-1].body


def test_a_correction_reporter_is_told_the_outcome(administrator_client):
    correction = CorrectionRequestFactory(contact_email="temoin@example.org")
    page = administrator_client.get(change_page(correction)).text
    assert "Fiche actuelle" in page
    decide(administrator_client, correction, "_accept")
    assert mail.outbox[-1].to == ["temoin@example.org"]
    assert "la fiche est à jour" in mail.outbox[-1].body


def test_the_list_action_also_tells_the_person(administrator_client):
    change = ProposedChangeFactory()
    run_action(administrator_client, "proposedchange", "refuse_selected", [change])
    assert mail.outbox[-1].to == [change.proposed_by.email]
    assert "ne les a pas retenues" in mail.outbox[-1].body


def test_staff_without_the_change_permission_get_403_and_no_buttons(client):
    viewer = UserFactory(username="vera", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_proposedchange"))
    client.force_login(viewer)
    change = ProposedChangeFactory()
    assert 'value="Accepter"' not in client.get(change_page(change)).text
    response = client.post(change_page(change), {"_accept": "1", "decision_message": "x"})
    assert response.status_code == 403
    change.refresh_from_db()
    assert change.status == ReviewStatus.NEW
    assert mail.outbox == []


def test_editors_see_the_author_without_a_link_to_the_account(editor_client):
    change = ProposedChangeFactory()
    page = editor_client.get(change_page(change)).text
    assert change.proposed_by.email in page
    assert reverse("admin:auth_user_change", args=[change.proposed_by.pk]) not in page


def test_a_decision_needs_the_csrf_token(administrator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)
    change = ProposedChangeFactory()
    assert client.post(change_page(change), {"_accept": "1"}).status_code == 403
    change.refresh_from_db()
    assert change.status == ReviewStatus.NEW


def test_sign_in_lockouts_are_not_confused_with_campaign_axes(administrator_client):
    page = administrator_client.get(reverse("admin:index")).text
    assert 'title="Modèles de l’application Verrouillages de connexion"' in page


@pytest.mark.parametrize("count", [1, 6])
def test_accepting_many_applications_writes_the_data_version_once(administrator_client, count):
    applications = MembershipApplicationFactory.create_batch(count)
    before = seen_elsewhere()
    with data_version_writes() as writes:
        run_action(administrator_client, "membershipapplication", "approve_selected", applications)
    assert Organisation.objects.count() == count
    assert len(writes) == 1
    assert seen_elsewhere() != before
