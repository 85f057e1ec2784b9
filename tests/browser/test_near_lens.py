"""At 375 px, a citizen finds "une épicerie près de Lens" by typing the town's name, with the results first."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from directory.models import Organisation
from tests.browser.a11y import assert_no_violations
from tests.factories import CommuneFactory, DepartmentFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["tests.browser.a11y"]


@pytest.fixture
def around_lens(db):
    pdc = DepartmentFactory(code="62", name="Pas-de-Calais", slug="pas-de-calais")
    lens = CommuneFactory(
        insee_code="62498",
        name="Lens",
        slug="lens",
        postal_codes=["62300"],
        latitude=50.4322,
        longitude=2.8277,
        department=pdc,
        population=30000,
    )
    annay = CommuneFactory(
        insee_code="62032",
        name="Annay",
        slug="annay",
        postal_codes=["62880"],
        latitude=50.4625,
        longitude=2.8822,
        department=pdc,
    )
    far = CommuneFactory(
        insee_code="62300",
        name="Équihen-Plage",
        slug="equihen-plage",
        postal_codes=["62224"],
        latitude=50.6742,
        longitude=1.57,
        department=pdc,
    )
    OrganisationFactory(name="Épicerie solidaire de Lens", slug="epicerie-lens", commune=lens)
    OrganisationFactory(name="Épicerie d'Annay", slug="epicerie-annay", commune=annay)
    OrganisationFactory(name="Épicerie de la côte", slug="epicerie-cote", commune=far)
    for number in range(12):
        OrganisationFactory(name=f"Atelier {number}", slug=f"atelier-{number}", commune=far)


def test_near_lens_on_a_phone(page, live_server, around_lens):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server.url + reverse("directory:organisation-list"))

    filters = page.locator("details[data-filters]")
    expect(filters).not_to_have_attribute("open", "")  # folded on a phone: the results come first
    heading = page.locator("#results-title")
    expect(heading).to_contain_text("15 structures")
    assert heading.bounding_box()["y"] < 740  # the count is in the first screen

    filters.locator("summary").click()
    page.get_by_label("Rechercher").fill("épicerie")
    commune = page.get_by_label("Commune (nom, code postal ou INSEE)")
    commune.press_sequentially("Lens", delay=30)
    expect(page.locator("#commune-suggestions option").first).to_have_attribute("value", "Lens (62300)")
    page.get_by_label("Autour de la commune").select_option("10")
    page.get_by_role("button", name="Afficher les résultats").click()

    page.wait_for_url("**commune=Lens**")
    expect(heading).to_be_focused()  # focus and scroll went to the results
    expect(heading).to_contain_text("2 structures")
    cards = page.locator(".org-list > li")
    expect(cards.nth(0)).to_contain_text("Épicerie solidaire de Lens")
    expect(cards.nth(1)).to_contain_text("Épicerie d'Annay")
    expect(cards.nth(1)).to_contain_text("à 5 km")
    expect(page.locator("details[data-filters] summary")).to_contain_text("Filtres (3 actifs)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    assert_no_violations(page)


def test_the_map_comes_first_under_the_title_on_a_phone(page, live_server, around_lens):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server.url + reverse("directory:map"))
    map_box = page.locator("#map").bounding_box()
    filters_box = page.locator("details[data-filters]").bounding_box()
    assert map_box["y"] < 400 and map_box["y"] < filters_box["y"]
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_around_my_position_on_a_phone(page, live_server, around_lens):
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 50.4625, "longitude": 2.8822})  # in Annay
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server.url + reverse("directory:organisation-list"))
    page.locator("details[data-filters] summary").click()
    page.get_by_role("button", name="Autour de ma position").click()
    page.wait_for_url("**lat=50.46250**")
    cards = page.locator(".org-list > li")
    expect(cards.nth(0)).to_contain_text("Épicerie d'Annay")
    expect(cards).to_have_count(2)  # Annay and Lens, within 10 km; the coast is far away


def test_clearing_the_map_filters_forgets_my_position(page, live_server, around_lens):
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 50.4625, "longitude": 2.8822})  # in Annay
    page.goto(live_server.url + reverse("directory:map"))
    page.get_by_role("button", name="Autour de ma position").click()
    expect(page.locator("#map-status")).to_have_text("2 structures sur la carte.")
    page.locator(".filter-reset").click()
    expect(page.locator("#map-status")).to_have_text(f"{Organisation.objects.count()} structures sur la carte.")
    assert "lat=" not in page.url and "autour=" not in page.url
