"""The actor map in a real browser: clusters, a filter applied from the panel, the URL and markers updated."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.places import two_groups_of_actors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def actors(db):
    """30 associations around Valenciennes (they cluster) and 5 PTCE around Lens."""
    two_groups_of_actors(lens_spread=0.01)


def test_map_shows_clusters_and_follows_the_filters(page, live_server, actors):
    page.goto(live_server.url + reverse("directory:map"))
    status = page.locator("#map-status")
    expect(status).to_have_text("35 structures sur la carte.")
    expect(page.locator(".marker-cluster").first).to_be_visible()
    assert page.locator("[data-map]").get_attribute("data-count") == "35"

    page.get_by_role("checkbox", name="PTCE").check()
    expect(status).to_have_text("5 structures sur la carte.")
    assert page.url.endswith(reverse("directory:map") + "?kind=ptce")
    assert page.locator("[data-map]").get_attribute("data-count") == "5"
    expect(page.locator("[data-list-link]")).to_have_attribute(
        "href", reverse("directory:organisation-list") + "?kind=ptce"
    )

    # The URL is the state the other way too: reloading it shows the same selection.
    page.reload()
    expect(status).to_have_text("5 structures sur la carte.")
    expect(page.get_by_role("checkbox", name="PTCE")).to_be_checked()


def test_a_marker_popup_leads_to_the_organisation_page(page, live_server, actors):
    page.goto(live_server.url + reverse("directory:map") + "?kind=ptce&q=pole+3")
    expect(page.locator("#map-status")).to_have_text("1 structure sur la carte.")
    page.locator(".leaflet-marker-icon.org-marker").first.click()
    link = page.locator(".leaflet-popup .org-popup__title a")
    expect(link).to_have_text("Pôle 3")
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pôle 3")


def test_markers_are_targets_a_finger_can_hit(page, live_server, actors):
    """WCAG 2.2 (2.5.8): each actor marker is at least 24 × 24 CSS pixels, its visible dot centred in it."""
    page.goto(live_server.url + reverse("directory:map") + "?kind=ptce")
    expect(page.locator("#map-status")).to_have_text("5 structures sur la carte.")
    marker = page.locator(".leaflet-marker-icon.org-marker").first
    expect(marker).to_be_visible()
    box = marker.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24, box
    dot = page.evaluate(
        """(marker) => {
            const style = getComputedStyle(marker, '::before');
            return [parseFloat(style.width), parseFloat(style.left)];
        }""",
        marker.element_handle(),
    )
    assert dot[0] < box["width"] and dot[1] > 0, "the dot is smaller than the target and centred in it"


def test_around_my_position_says_so_when_the_position_is_refused(page, live_server, actors):
    page.goto(live_server.url + reverse("directory:map"))
    expect(page.locator("#map-status")).to_have_text("35 structures sur la carte.")
    around = page.get_by_role("button", name=re.compile("^Autour de"))
    expect(around).to_have_count(1)  # one geolocation control on the page: the filter form's
    around.click()
    expect(page.locator(".position-status")).to_have_text(
        "Votre position n'est pas disponible : indiquez plutôt une commune."
    )
    expect(page.locator("#map-status")).to_have_text("35 structures sur la carte.")


def test_around_my_position_shows_the_actors_near_me_and_where_i_am(page, live_server, actors):
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 50.36, "longitude": 3.52})  # in Valenciennes
    page.goto(live_server.url + reverse("directory:map"))
    expect(page.locator("#map-status")).to_have_text("35 structures sur la carte.")
    page.get_by_role("button", name="Autour de ma position").click()
    # The 30 associations of Valenciennes are within the default 10 km, the PTCE of Lens (50 km away) are not.
    expect(page.locator("#map-status")).to_have_text("30 structures sur la carte.")
    assert "autour=10" in page.url and "lat=50.36" in page.url
    expect(page.locator("path.leaflet-interactive")).to_have_count(1)  # the "Vous êtes ici" circle
    expect(page.locator(".position-status")).to_have_text("")  # no stale "Recherche de votre position…"


def test_the_epci_layer_can_be_shown(page, live_server, actors):
    from territories.models import Epci

    Epci.objects.update(
        boundary={"type": "Polygon", "coordinates": [[[3.4, 50.3], [3.6, 50.3], [3.6, 50.4], [3.4, 50.3]]]}
    )
    page.goto(live_server.url + reverse("directory:map"))
    expect(page.locator("#map-status")).to_have_text("35 structures sur la carte.")
    page.get_by_label("Contours des intercommunalités").check()
    expect(page.locator("path.leaflet-interactive").first).to_be_attached()


def test_the_embed_shows_the_map_alone(page, live_server, actors):
    page.goto(live_server.url + reverse("directory:map-embed") + "?kind=ptce")
    expect(page.locator("#map-status")).to_have_text("5 structures sur la carte.")
    assert page.locator(".site-header").count() == 0
