"""HTML_CodeSniffer (WCAG 2 AA) beside axe on the map pages: every marker and cluster is a named button."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.htmlcs import codesniffer_errors, report

# The demo fixture lives in a11y.py.
pytest_plugins = ["tests.browser.a11y"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAP_PAGES = {
    "map": lambda: reverse("directory:map"),
    "embedded map": lambda: reverse("directory:map-embed"),
    "organisation": lambda: reverse("directory:organisation-detail", args=["maison-du-velo"]),
    "territories": lambda: reverse("territories:index"),
}


@pytest.mark.parametrize("path", list(MAP_PAGES.values()), ids=list(MAP_PAGES))
def test_map_pages_have_no_codesniffer_error(page, live_server, demo, path):
    demo("directory")
    page.goto(live_server.url + path())
    expect(page.locator(".leaflet-marker-icon, .leaflet-interactive").first).to_be_attached()
    page.wait_for_load_state("networkidle")
    errors = codesniffer_errors(page)
    assert not errors, f"{page.url}: {len(errors)} HTML_CodeSniffer error(s)\n{report(errors)}"


def test_markers_and_clusters_are_announced_by_name_and_kind(page, live_server, demo):
    demo("directory")
    page.goto(live_server.url + reverse("directory:map") + "?q=maison+du+velo")
    expect(page.get_by_role("button", name="La Maison du Vélo, Association")).to_be_visible()
    page.goto(live_server.url + reverse("directory:map"))
    cluster = page.locator(".marker-cluster").first
    expect(cluster).to_be_visible()
    count = cluster.inner_text().strip()
    expect(cluster).to_have_attribute("aria-label", f"{count} structures")


def test_the_organisation_map_marker_names_the_organisation(page, live_server, demo):
    demo("directory")
    page.goto(live_server.url + reverse("directory:organisation-detail", args=["maison-du-velo"]))
    expect(
        page.locator("#organisation-map").get_by_role("button", name="La Maison du Vélo, Association")
    ).to_be_visible()
