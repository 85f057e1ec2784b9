"""Accounts members run themselves: reset a forgotten password, change it, sign in by email, be invited."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RESET = "accounts:password-reset"
LOGIN = "directory:member-login"
NEW_PASSWORD = "un nouveau mot de passe solide"
OLD_PASSWORD = "correct horse battery staple"


def link_in(message):
    return re.search(r"http://testserver(/compte/mot-de-passe/\S+/)", message.body).group(1)


def test_a_forgotten_password_is_reset_from_the_mailed_link(client, member):
    response = client.post(reverse(RESET), {"email": "CHARLIE@example.org"})
    assert response["Location"] == reverse("accounts:password-reset-done")
    assert [m.to for m in mail.outbox] == [["charlie@example.org"]]
    assert "Choisir un nouveau mot de passe" in mail.outbox[0].alternatives[0][0]

    form_page = client.get(link_in(mail.outbox[0]), follow=True)
    assert "Choisir un mot de passe" in form_page.text
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("accounts:password-reset-complete")

    signed_in = client.post(reverse(LOGIN), {"username": "charlie@example.org", "password": NEW_PASSWORD})
    assert signed_in["Location"] == reverse("directory:member-space")


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse(RESET), {"email": "personne@example.org"}, follow=True)
    assert "Si cette adresse correspond à un compte" in response.text
    assert mail.outbox == []


def test_a_reset_link_serves_once(client, member):
    client.post(reverse(RESET), {"email": "charlie@example.org"})
    link = link_in(mail.outbox[0])
    page = client.get(link, follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = client.get(link, follow=True)
    assert again.status_code == 400
    assert "Ce lien ne fonctionne plus" in again.text


def test_a_tampered_link_is_refused_in_french(client, member):
    client.post(reverse(RESET), {"email": "charlie@example.org"})
    tampered = link_in(mail.outbox[0])[:-3] + "xx/"
    response = client.get(tampered)
    assert response.status_code == 400
    assert "Demander un nouveau lien" in response.text


def test_a_burst_of_reset_requests_is_refused(client, member):
    for _ in range(5):
        client.post(reverse(RESET), {"email": "charlie@example.org"})
    assert client.post(reverse(RESET), {"email": "charlie@example.org"}).status_code == 429
    assert len(mail.outbox) == 5


def test_signing_in_by_email_or_username(client, member):
    assert client.post(reverse(LOGIN), {"username": "charlie", "password": OLD_PASSWORD}).status_code == 302
    client.logout()
    response = client.post(reverse(LOGIN), {"username": "Charlie@Example.org", "password": OLD_PASSWORD})
    assert response.status_code == 302


def test_an_address_shared_by_two_accounts_signs_neither_in(client, member):
    UserFactory(username="charlotte", email="charlie@example.org")
    response = client.post(reverse(LOGIN), {"username": "charlie@example.org", "password": OLD_PASSWORD})
    assert response.status_code == 200
    assert "Identifiant, adresse électronique ou mot de passe incorrect" in response.text


def test_a_member_changes_their_password(client, member):
    client.force_login(member)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": "correct horse battery staple", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("accounts:password-change-done")
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_changing_a_password_asks_to_sign_in_first(client):
    response = client.get(reverse("accounts:password-change"))
    assert response["Location"].startswith(reverse(LOGIN))


def test_the_header_says_who_is_signed_in(client, member):
    assert "Se connecter" in client.get(reverse("about")).text
    client.force_login(member)
    page = client.get(reverse("about")).text
    assert "Connecté·e :" in page and ">charlie</a>" in page
    assert f'action="{reverse("directory:member-logout")}"' in page


def test_a_visitor_with_a_session_who_is_not_signed_in_is_offered_to_sign_in(client, settings):
    """With a session cookie the header reads the user (without one it need not): a session that holds no
    sign-in, like one a form left behind, shows the sign-in link."""
    session = client.session  # Django's test client saves it and sends its cookie from now on
    session["formulaire"] = "brouillon"
    session.save()
    assert settings.SESSION_COOKIE_NAME in client.cookies
    page = client.get(reverse("about")).text
    assert "Se connecter" in page
    assert "Connecté·e" not in page


def test_staff_invite_a_member_who_then_chooses_a_password(administrator_client, member_organisation):
    invited = get_user_model().objects.create_user("dora", email="dora@example.org")  # no usable password
    invited.organisation_memberships.create(organisation=member_organisation)
    response = administrator_client.post(
        reverse("admin:auth_user_changelist"), {"action": "invite_selected", "_selected_action": [invited.pk]}
    )
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.to == ["dora@example.org"]
    assert member_organisation.name in message.body

    administrator_client.logout()
    page = administrator_client.get(link_in(message), follow=True)
    administrator_client.post(
        page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)


def test_an_editor_cannot_invite(editor_client, member):
    response = editor_client.post(
        reverse("admin:auth_user_changelist"), {"action": "invite_selected", "_selected_action": [member.pk]}
    )
    assert response.status_code == 403
    assert mail.outbox == []


def test_a_bot_filling_the_honeypot_gets_no_mail_sent(client, member):
    response = client.post(reverse(RESET), {"email": "charlie@example.org", "site_web_confirmation": "x"})
    assert response.status_code == 200
    assert mail.outbox == []
