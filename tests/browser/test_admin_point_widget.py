"""The admin's point-placing map in a real Chromium: Leaflet loads under the CSP and a click fills the inputs."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_page(browser, live_server, settings):
    """A signed-in administrator's tab in the shared Chromium (see conftest.py)."""
    user = UserFactory(username="alice", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_id, "url": live_server.url}])
    # No network in tests: tile requests are answered empty at once.
    context.route("**/*.png", lambda route: route.fulfill(status=204))
    page = context.new_page()
    page.console_messages = []
    page.on("console", lambda message: page.console_messages.append(message.text))
    yield page
    context.close()


def test_click_on_the_map_fills_latitude_and_longitude(staff_page, live_server):
    organisation = OrganisationFactory(name="Recyclerie du Hainaut")
    page = staff_page
    page.goto(live_server.url + reverse("admin:directory_organisation_change", args=[organisation.pk]))
    page.wait_for_selector("[data-point-widget][data-ready='true']")

    assert page.locator(".leaflet-marker-icon").count() == 1  # the current point
    assert page.locator("#id_location_is_approximate").is_checked()
    map_element = page.locator(".point-widget__map")
    map_element.scroll_into_view_if_needed()
    box = map_element.bounding_box()
    map_element.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.25})

    latitude = float(page.input_value("#id_latitude"))
    longitude = float(page.input_value("#id_longitude"))
    assert (latitude, longitude) != (organisation.latitude, organisation.longitude)
    assert latitude > organisation.latitude  # clicked up and to the left of the centre
    assert longitude < organisation.longitude
    assert not page.locator("#id_location_is_approximate").is_checked()
    assert not [m for m in page.console_messages if "Content Security Policy" in m or "Error" in m]


def test_typing_coordinates_moves_the_marker(staff_page, live_server):
    organisation = OrganisationFactory()
    page = staff_page
    page.goto(live_server.url + reverse("admin:directory_organisation_change", args=[organisation.pk]))
    page.wait_for_selector("[data-point-widget][data-ready='true']")
    before = page.locator(".leaflet-marker-icon").bounding_box()
    page.fill("#id_latitude", str(organisation.latitude + 0.002))
    page.wait_for_function(
        "y => document.querySelector('.leaflet-marker-icon').getBoundingClientRect().y !== y", arg=before["y"]
    )


def test_new_record_starts_from_the_commune_centroid(staff_page, live_server):
    from tests.factories import CommuneFactory

    commune = CommuneFactory(name="Saint-Saulve", latitude=50.37, longitude=3.56)
    page = staff_page
    add_url = live_server.url + reverse("admin:directory_organisation_add") + f"?commune={commune.pk}"
    with page.expect_response(lambda r: "centre-commune" in r.url) as answer:
        page.goto(add_url)
    assert answer.value.json() == {"name": "Saint-Saulve", "latitude": 50.37, "longitude": 3.56}
    page.wait_for_selector("[data-point-widget][data-ready='true']")
    assert page.input_value("#id_latitude") == ""  # nothing is placed until staff click
    assert page.locator(".leaflet-marker-icon").count() == 0
