"""The shared Playwright harness: Debian's Chromium, headless, against pytest-django's live_server.

Fixtures: `browser` (one per session) and `page` (one per test, French locale, desktop size). Nothing
leaves the machine: requests to the live server go through, map tiles are answered with a small local
PNG, everything else is aborted. A failed test leaves a screenshot in
test-artifacts/screenshots/<test>.png. Without /usr/bin/chromium the tests are skipped, except in CI
(CI=true) where that is a failure.
"""

import base64
import contextlib
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
# A 1×1 light grey PNG: Leaflet stretches it over each 256 px tile.
TILE_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP4/79+PQAJWwPYQ3+UfAAAAABJRU5ErkJggg=="
)

# live_server runs Django in a thread; Playwright's sync API runs an event loop in this one.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


def _tile_host():
    return urlsplit(settings.MAP_TILES_URL.replace("{s}", "a")).hostname or ""


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    tile_host = _tile_host()

    def offline(route):
        url = route.request.url
        if url.startswith(live_server.url):
            route.continue_()
        elif urlsplit(url).hostname == tile_host or route.request.resource_type == "image":
            route.fulfill(status=200, content_type="image/png", body=TILE_PNG)
        else:
            route.abort()

    page.route("**/*", offline)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])
        # A failed screenshot must not hide the test's own failure.
        with contextlib.suppress(Exception):
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    context.close()
