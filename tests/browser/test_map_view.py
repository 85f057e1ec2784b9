"""The actor map draws only what is in view: clusters with their count, points once zoomed in, named for all."""

import random

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import CommuneFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKERS = ".leaflet-marker-icon"


@pytest.fixture
def crowd(db):
    """300 associations around Amiens and one in Calais, far from them."""
    randomiser = random.Random(11)
    amiens = CommuneFactory(name="Amiens", insee_code="80021", latitude=49.8942, longitude=2.2957)
    calais = CommuneFactory(name="Calais", insee_code="62193", latitude=50.9513, longitude=1.8587)
    for number in range(300):
        OrganisationFactory(
            name=f"Association {number}",
            commune=amiens,
            latitude=49.8942 + randomiser.uniform(-0.03, 0.03),
            longitude=2.2957 + randomiser.uniform(-0.04, 0.04),
        )
    OrganisationFactory(name="Le Phare solidaire", commune=calais, latitude=50.9513, longitude=1.8587)


def test_the_region_view_shows_a_few_named_clusters_not_every_point(page, live_server, crowd):
    page.goto(live_server.url + reverse("directory:map"))
    expect(page.locator("#map-status")).to_have_text("301 structures sur la carte.")
    expect(page.locator(".marker-cluster").first).to_be_visible()
    assert page.locator(MARKERS).count() < 20
    counts = [int(text) for text in page.locator(".marker-cluster span").all_inner_texts()]
    assert sum(counts) + page.locator(".org-marker").count() == 301
    expect(page.locator('.marker-cluster[aria-label$=" structures"]').first).to_be_visible()
    expect(page.locator('.org-marker[aria-label="Le Phare solidaire, Association"]')).to_be_visible()


def test_zooming_in_on_a_cluster_shows_its_points_and_drops_what_left_the_view(page, live_server, crowd):
    page.goto(live_server.url + reverse("directory:map"))
    expect(page.locator("#map-status")).to_have_text("301 structures sur la carte.")
    for _ in range(8):  # each click zooms to where the cluster splits, until single points show
        if page.locator(".org-marker[aria-label^='Association ']").count():
            break
        page.locator(".marker-cluster").first.click()
        page.wait_for_timeout(400)
    expect(page.locator(".org-marker[aria-label^='Association ']").first).to_be_visible()
    # Calais is far outside the view now: its marker is not in the page at all.
    expect(page.locator('[aria-label="Le Phare solidaire, Association"]')).to_have_count(0)
