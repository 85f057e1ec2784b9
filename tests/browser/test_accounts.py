"""Accounts and moderation journeys in Chromium, at a phone and a desktop size, axe-checked on every page.

- A member who forgot their password asks for a link, chooses a new password and signs in by email.
- Staff accept a member's proposed change from its own page; the member sees it accepted.
- An applicant is told of the decision on their application.
- The dashboard on the admin index shows its charts and their tables.
"""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from tests import second_factor
from tests.browser.a11y import assert_no_violations
from tests.factories import (
    MembershipApplicationFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    ProposedChangeFactory,
    UserFactory,
)

pytest_plugins = ["tests.browser.a11y"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("axe_summary"),
]

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "un nouveau mot de passe solide"


def open_page(page, live_server, path):
    page.goto(live_server.url + path)
    page.wait_for_load_state("networkidle")


def sign_in_to_admin(page, live_server, username):
    second_factor.sign_in_to_admin(page, live_server.url, username, PASSWORD)  # password, then the code


def test_a_member_resets_a_forgotten_password_and_signs_in_by_email(page, live_server, viewport):
    organisation = OrganisationFactory(name="Recyclerie des Deux Rives", is_member=True)
    member = UserFactory(username="deuxrives", email="contact@deuxrives.example", password=PASSWORD)
    OrganisationMembershipFactory(user=member, organisation=organisation)

    open_page(page, live_server, reverse("directory:member-login"))
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    page.wait_for_load_state("networkidle")
    assert_no_violations(page)
    page.get_by_label(re.compile("^Adresse électronique|^Courriel")).fill("contact@deuxrives.example")
    page.get_by_role("button", name="Recevoir le lien").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")
    assert_no_violations(page)

    link = re.search(r"http://\S+/compte/mot-de-passe/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.wait_for_load_state("networkidle")
    assert_no_violations(page)
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label(re.compile("^Confirmation")).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe enregistré")
    assert_no_violations(page)

    page.get_by_role("link", name="Se connecter").last.click()
    page.wait_for_load_state("networkidle")
    page.get_by_label(re.compile("^Identifiant")).fill("contact@deuxrives.example")
    page.get_by_label(re.compile("^Mot de passe")).fill(NEW_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text("Recyclerie des Deux Rives")
    expect(page.locator(".site-account")).to_contain_text("Connecté·e : deuxrives")
    assert_no_violations(page)


def test_staff_accept_a_proposed_change_and_the_member_sees_it_accepted(page, live_server, viewport):
    organisation = OrganisationFactory(name="Épicerie solidaire du Quartier", is_member=True)
    member = UserFactory(username="epicerie", password=PASSWORD)
    OrganisationMembershipFactory(user=member, organisation=organisation)
    change = ProposedChangeFactory(
        organisation=organisation, proposed_by=member, changes={"website": "https://epicerie.example"}
    )
    UserFactory(username="equipe", password=PASSWORD, is_staff=True, is_superuser=True)

    sign_in_to_admin(page, live_server, "equipe")
    open_page(page, live_server, reverse("admin:directory_proposedchange_change", args=[change.pk]))
    expect(page.locator("main, #content").first).to_contain_text("https://epicerie.example")
    page.get_by_label(re.compile("^Message à la personne")).fill("Merci, c'est à jour.")
    page.get_by_role("button", name="Accepter", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "Merci, c'est à jour." in mail.outbox[-1].body

    page.context.clear_cookies()
    open_page(page, live_server, reverse("directory:member-login"))
    page.get_by_label(re.compile("^Identifiant")).fill("epicerie")
    page.get_by_label(re.compile("^Mot de passe")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("table")).to_contain_text("la fiche est à jour")
    assert_no_violations(page)


def test_an_applicant_is_told_of_the_decision(page, live_server, viewport):
    application = MembershipApplicationFactory(organisation_name="Ressourcerie du Hainaut")
    UserFactory(username="equipe", password=PASSWORD, is_staff=True, is_superuser=True)
    sign_in_to_admin(page, live_server, "equipe")
    open_page(page, live_server, reverse("admin:directory_membershipapplication_change", args=[application.pk]))
    page.get_by_label(re.compile("^Message à la personne")).fill("Bienvenue dans le réseau !")
    page.get_by_role("button", name="Accepter", exact=True).click()
    page.wait_for_load_state("networkidle")
    decision = mail.outbox[-1]
    assert decision.to == [application.email]
    assert "Ressourcerie du Hainaut" in decision.body and "Bienvenue dans le réseau !" in decision.body


def test_the_dashboard_shows_its_charts_and_tables(page, live_server, viewport):
    for _ in range(3):
        OrganisationFactory(is_member=True)
    MembershipApplicationFactory()
    UserFactory(username="equipe", password=PASSWORD, is_staff=True, is_superuser=True)
    sign_in_to_admin(page, live_server, "equipe")
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    expect(page.locator("svg.bar-chart").first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Demandes d'adhésion : 1"))).to_be_visible()
    expect(page.locator("#adherents-departement table")).to_contain_text("3")
    assert_no_violations(page)
