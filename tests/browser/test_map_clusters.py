"""The actor map at national scale in a real browser: clusters from the server, named, and points once zoomed in."""

import random

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from directory.views import clusters
from tests.factories import CommuneFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def national(db, monkeypatch):
    """30 associations around Valenciennes and 5 around Lens, treated as too many for the browser to cluster."""
    monkeypatch.setattr(clusters, "INDEX_LIMIT", 10)
    randomiser = random.Random(7)
    valenciennes = CommuneFactory(name="Valenciennes", insee_code="59606", latitude=50.3591, longitude=3.51618)
    lens = CommuneFactory(name="Lens", insee_code="62498", latitude=50.43764, longitude=2.82126)
    for number in range(30):
        OrganisationFactory(
            name=f"Association {number}",
            commune=valenciennes,
            latitude=50.3591 + randomiser.uniform(-0.02, 0.02),
            longitude=3.51618 + randomiser.uniform(-0.02, 0.02),
        )
    for number in range(5):
        OrganisationFactory(
            name=f"Pôle {number}",
            kind="ptce",
            commune=lens,
            latitude=50.43764 + randomiser.uniform(-0.001, 0.001),
            longitude=2.82126 + randomiser.uniform(-0.001, 0.001),
        )


def test_server_clusters_are_named_and_open_on_their_points(page, live_server, national):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(live_server.url + reverse("directory:map"))
    expect(page.locator("#map-status")).to_have_text("35 structures sur la carte.")
    lens = page.locator(".marker-cluster[aria-label='5 structures']")
    expect(lens).to_be_visible()
    assert not any("organisations.geojson" in url for url in requests)  # never every point

    # Each click zooms on the cluster's extent, until its organisations show one by one, named.
    for _ in range(8):
        if page.locator(".org-marker").count():
            break
        page.locator(".marker-cluster[aria-label='5 structures']").click()
        page.wait_for_timeout(400)
    expect(page.locator(".org-marker[aria-label='Pôle 2, PTCE']")).to_be_visible()
    page.locator(".org-marker[aria-label='Pôle 2, PTCE']").click()
    expect(page.locator(".leaflet-popup .org-popup__title a")).to_have_text("Pôle 2")
