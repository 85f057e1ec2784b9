"""HTML_CodeSniffer (WCAG 2 AA) beside axe on every public page type; every map marker and cluster is a named button."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.htmlcs import codesniffer_errors, report
from tests.browser.test_accessibility import SECTIONS

# The demo fixture lives in a11y.py.
pytest_plugins = ["tests.browser.a11y"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("section", list(SECTIONS))
def test_every_page_type_has_no_codesniffer_error(page, live_server, demo, section):
    """The page types axe checks (test_accessibility.SECTIONS), maps drawn and markers placed."""
    demo(*SECTIONS[section]["apps"])
    reports = []
    for name, path, *action in SECTIONS[section]["pages"]:
        page.goto(live_server.url + path())
        page.wait_for_load_state("networkidle")
        if action:
            action[0](page)
        errors = codesniffer_errors(page)
        if errors:
            reports.append(f"[{name}] {page.url}: {len(errors)} HTML_CodeSniffer error(s)\n{report(errors)}")
    assert not reports, "\n\n".join(reports)


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
