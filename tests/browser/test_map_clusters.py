"""The actor map at national scale in a real browser: clusters from the server, named, and points once zoomed in."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from directory.views import clusters
from tests.browser.places import two_groups_of_actors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def national(db, monkeypatch):
    """30 associations around Valenciennes and 5 around Lens, treated as too many for the browser to cluster."""
    monkeypatch.setattr(clusters, "INDEX_LIMIT", 10)
    two_groups_of_actors(lens_spread=0.001)


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
