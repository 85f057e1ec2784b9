"""The map pages as a phone loads them: nothing moves once painted (no layout shift)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

# The demo fixture lives in a11y.py.
pytest_plugins = ["tests.browser.a11y"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
# Every layout shift the page had, kept by the browser since navigation (buffered entries).
LAYOUT_SHIFTS = """() => new Promise((resolve) => {
    new PerformanceObserver((list, observer) => {
        observer.disconnect();
        resolve(list.getEntries().filter((e) => !e.hadRecentInput).map((e) => ({
            value: e.value,
            sources: (e.sources || []).map((s) => s.node ? s.node.outerHTML.slice(0, 120) : ""),
        })));
    }).observe({ type: "layout-shift", buffered: true });
    setTimeout(() => resolve([]), 1000);
})"""


def test_the_map_page_does_not_shift_on_a_phone(page, live_server, demo):
    demo("directory")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("directory:map"))
    expect(page.locator("[data-map-tools]")).to_be_visible()
    expect(page.locator("#map-status")).to_contain_text("sur la carte")
    page.wait_for_load_state("networkidle")
    shifts = page.evaluate(LAYOUT_SHIFTS)
    assert sum(shift["value"] for shift in shifts) < 0.01, shifts
