"""Accessibility of every public page type in a real Chromium: axe-core and the keyboard.

axe: each section of the site is loaded with its demo content (the seeds of `manage.py seed_demo`),
then every page type of the section is opened at a phone (375×812) and a desktop (1280×800) size and
must show zero violations of the WCAG 2.0/2.1 A and AA rules (the automatable part of RGAA). Forms
are also checked in their error state, the state people who need help most often see.

Keyboard: Tab is pressed as a person would. The skip link comes first and works; the header, the
filters, the pagination and the forms are reached in reading order, each stop with a visible focus
indicator; nothing traps the focus, the maps included (the list is their accessible alternative, and
says so).
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.a11y import (
    check_page,
    focused,
    has_visible_focus,
    tab_through,
    tab_until,
)

# The shared fixtures (viewport, demo, axe_summary) live in a11y.py.
pytest_plugins = ["tests.browser.a11y"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("axe_summary"),
]


# --- the pages, by section: (name, path or callable returning a path, optional action) -----------


def _first(model_path, **filters):
    module, name = model_path.rsplit(".", 1)
    model = getattr(__import__(module, fromlist=[name]), name)
    return model.objects.filter(**filters).order_by("pk").first()


def _commitment():
    """A validated commitment, so the commitments page lists one."""
    from proposals.models import Campaign, Proposal
    from tests.factories import CommitmentFactory

    campaign = Campaign.objects.order_by("pk").first()
    commune = _first("territories.models.Commune", insee_code="59606")
    CommitmentFactory(campaign=campaign, commune=commune, proposals=list(Proposal.objects.all()[:2]))
    return reverse("proposals:commitment-list")


def _submit_empty(page):
    """Send the form on the page without filling it: the page comes back with its errors."""
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("alert").first).to_be_visible()


# Pages that answer with an error status on purpose (and must be just as accessible).
EXPECTED_STATUS = {"404": 404, "municipales 2026, unknown commune": 400}

SECTIONS = {
    "site": {
        "apps": ["apes_portal"],
        "pages": [
            ("home", lambda: reverse("home")),
            ("about", lambda: reverse("about")),
            ("charter", lambda: reverse("charter")),
            ("legal notice", lambda: reverse("legal")),
            ("accessibility statement", lambda: reverse("accessibility")),
            ("404", lambda: "/cette-page-n-existe-pas/"),
        ],
    },
    "directory": {
        "apps": ["directory"],
        "pages": [
            ("directory list", lambda: reverse("directory:organisation-list")),
            ("directory list, page 2", lambda: reverse("directory:organisation-list") + "?page=2"),
            (
                "directory list with filters",
                lambda: (
                    reverse("directory:organisation-list")
                    + "?sector=reemploi-economie-circulaire&departement=62&kind=insertion&kind=association"
                ),
            ),
            ("directory search, no result", lambda: reverse("directory:organisation-list") + "?q=zzzzzz"),
            ("organisation", lambda: reverse("directory:organisation-detail", args=["maison-du-velo"])),
            ("PTCE", lambda: reverse("directory:organisation-detail", args=["ptce-henin-carvin"])),
            ("map", lambda: reverse("directory:map")),
            ("map with filters", lambda: reverse("directory:map") + "?sector=reemploi-economie-circulaire"),
            ("embedded map", lambda: reverse("directory:map-embed") + "?departement=59"),
            ("correction form", lambda: reverse("directory:correction-create", args=["maison-du-velo"])),
            (
                "correction form, errors",
                lambda: reverse("directory:correction-create", args=["maison-du-velo"]),
                _submit_empty,
            ),
            ("membership application", lambda: reverse("directory:membership-apply")),
            ("membership application, errors", lambda: reverse("directory:membership-apply"), _submit_empty),
            ("membership thanks", lambda: reverse("directory:membership-thanks")),
            ("member sign-in", lambda: reverse("directory:member-login")),
        ],
    },
    "territories": {
        "apps": ["directory"],
        "pages": [
            ("territories index", lambda: reverse("territories:index")),
            ("EPCI", lambda: reverse("territories:epci-detail", args=["ca-valenciennes-metropole"])),
            ("dynamics list", lambda: reverse("territories:dynamic-list")),
            (
                "dynamic with timeline",
                lambda: reverse("territories:dynamic-detail", args=["valenciennois-animation-territoriale"]),
            ),
            ("theme", lambda: reverse("territories:theme-detail", args=["cooperations-economiques-territoriales"])),
            ("initiatives", lambda: reverse("territories:initiative-list")),
            ("initiative", lambda: reverse("territories:initiative-detail", args=["conciergerie-solidaire-roubaix"])),
        ],
    },
    "proposals": {
        "apps": ["apes_portal", "directory", "publications", "proposals"],
        "pages": [
            ("municipales 2026", lambda: reverse("proposals:campaign")),
            ("municipales 2026 for an EPCI", lambda: reverse("proposals:campaign") + "?epci=245901160"),
            ("municipales 2026, unknown commune", lambda: reverse("proposals:campaign") + "?commune=Zzyzx"),
            ("commitment form", lambda: reverse("proposals:commitment-create")),
            ("commitment form, errors", lambda: reverse("proposals:commitment-create"), _submit_empty),
            ("commitments", _commitment),
        ],
    },
    "publications": {
        "apps": ["directory", "publications"],
        "pages": [
            ("carnets", lambda: reverse("publications:publication-list")),
            ("carnets, one kind", lambda: reverse("publications:publication-list") + "?kind=carnet"),
            (
                "carnet",
                lambda: reverse("publications:publication-detail", args=["bail-commercial-d-utilite-sociale"]),
            ),
            (
                "carnet with a timeline",
                lambda: reverse(
                    "publications:publication-detail", args=["trajectoires-economie-solidaire-valenciennois"]
                ),
            ),
        ],
    },
}


@pytest.mark.parametrize("section", list(SECTIONS))
def test_every_page_type_has_no_axe_violation(page, live_server, viewport, demo, section):
    demo(*SECTIONS[section]["apps"])
    reports = []
    for name, path, *action in SECTIONS[section]["pages"]:
        response = page.goto(live_server.url + path())
        page.wait_for_load_state("networkidle")
        expected_status = EXPECTED_STATUS.get(name, 200)
        assert response.status == expected_status, f"{name}: HTTP {response.status} at {page.url}"
        if action:
            action[0](page)
        assert page.locator("html").get_attribute("lang") == "fr", name
        assert page.title().strip(), f"{name} has a title"
        result = check_page(page)
        if result.violations:
            reports.append(f"[{name}] {result.report()}")
    assert not reports, "\n\n".join(reports)


@pytest.mark.parametrize("section", list(SECTIONS))
def test_every_page_type_reflows_at_320_px(page, live_server, demo, section):
    """WCAG 1.4.10: at 320 CSS pixels (a 1280 px screen zoomed to 400 %) no page scrolls sideways.

    Content that needs two dimensions (maps, the dynamics' timeline) scrolls inside its own box, which
    is allowed; the page itself must not.
    """
    demo(*SECTIONS[section]["apps"])
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = []
    for name, path, *action in SECTIONS[section]["pages"]:
        page.goto(live_server.url + path())
        page.wait_for_load_state("networkidle")
        if action:
            action[0](page)
        width, scroll_width = page.evaluate(
            "() => [document.documentElement.clientWidth, document.documentElement.scrollWidth]"
        )
        if scroll_width > width:
            too_wide.append(f"{name}: {scroll_width} px wide for a {width} px screen")
    assert not too_wide, "\n".join(too_wide)


# --- keyboard ----------------------------------------------------------------------------------


def _assert_visible_focus(stops):
    for stop in stops:
        assert stop is not None, "the focus fell back to the page body"
        assert stop["visible"], f"the focus went to an invisible element: {stop}"
        assert has_visible_focus(stop), f"no focus indicator on {stop['tag']} {stop['label']!r}"


def test_skip_link_comes_first_and_moves_the_focus_to_the_content(page, live_server, viewport, demo):
    demo("apes_portal")
    page.goto(live_server.url + reverse("home"))
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["label"] == "Aller au contenu"
    assert has_visible_focus(first) and first["focusVisible"]
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0 and box["x"] >= 0, "the skip link shows on screen when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "contenu"
    # The next Tab continues inside the content, not from the header again.
    page.keyboard.press("Tab")
    assert focused(page)["inMain"]


def test_header_navigation_is_reached_in_order_with_a_visible_focus(page, live_server, viewport):
    page.goto(live_server.url + reverse("charter"))
    stops = tab_until(page, lambda info: info["label"] == "L'Apes" and info["inHeader"])
    labels = [stop["label"] for stop in stops if stop and stop["inHeader"]]
    assert labels[-6:] == ["Annuaire", "Carte", "Territoires", "Municipales 2026", "Carnets", "L'Apes"]
    _assert_visible_focus(stops)


def test_focus_goes_down_the_page_to_the_footer_and_back_without_a_trap(page, live_server, viewport):
    page.goto(live_server.url + reverse("charter"))
    stops = tab_until(page, lambda info: info["inFooter"] and info["label"].startswith("Accessibilité"))
    _assert_visible_focus(stops)
    order = ["skip link", "header", "main", "footer"]
    regions = [
        "header" if s["inHeader"] else "main" if s["inMain"] else "footer" if s["inFooter"] else "skip link"
        for s in stops
    ]
    assert regions == sorted(regions, key=order.index), regions
    # Shift+Tab walks the same stops in reverse, back to the skip link.
    back = tab_through(page, len(stops) - 1, backwards=True)
    assert [stop["label"] for stop in back] == [stop["label"] for stop in reversed(stops[:-1])]


def _form_stops(page, form_selector):
    """The keyboard stops a form should have, in document order (one per radio group)."""
    return page.evaluate(
        """(selector) => {
            const form = document.querySelector(selector);
            const seen = new Set();
            const stops = [];
            for (const el of form.querySelectorAll('a[href], input, select, textarea, button')) {
                if (el.disabled || el.type === 'hidden' || el.tabIndex < 0) continue;
                const box = el.getBoundingClientRect();
                if (box.width === 0 && box.height === 0) continue;
                if (el.closest('details:not([open])') && !el.matches('summary')) continue;
                if (el.type === 'radio') {
                    if (seen.has(el.name)) continue;
                    seen.add(el.name);
                }
                stops.push(el.id || el.name || el.textContent.trim());
            }
            return stops;
        }""",
        form_selector,
    )


def _tab_through_form(page, form_selector):
    """Tab from just before the form to its last control; return the ids/names met on the way."""
    expected = _form_stops(page, form_selector)
    page.locator(form_selector).evaluate(
        """(form) => {
            const marker = document.createElement('span');
            marker.tabIndex = -1;
            marker.id = 'a11y-start';
            form.before(marker);
            marker.focus();
        }"""
    )
    stops = tab_through(page, len(expected))
    _assert_visible_focus(stops)
    met = [stop["id"] or stop["name"] or stop["label"] for stop in stops]
    return expected, met


def test_directory_filters_and_pagination_work_with_the_keyboard(page, live_server, viewport, demo):
    demo("directory")
    page.goto(live_server.url + reverse("directory:organisation-list"))
    if viewport == "phone":
        # On a phone the filters come folded behind their summary ("Filtres"): a person opens them by keyboard.
        tab_until(page, lambda info: info["label"].startswith("Filtres"), limit=60)
        page.keyboard.press("Enter")
        expect(page.locator("[data-filters]")).to_have_attribute("open", "")
    expected, met = _tab_through_form(page, "main form[data-filter-form]")
    assert met == expected, "the filters are reached in reading order"

    # Type a search with the keyboard alone and send it with Enter.
    page.get_by_label("Rechercher").focus()
    page.keyboard.type("insertion")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/annuaire/\?(.+&)?q=insertion"))
    expect(page.locator(".directory-results h2")).to_contain_text("structure")

    page.goto(live_server.url + reverse("directory:organisation-list"))
    stops = tab_until(page, lambda info: info["label"].startswith("Page suivante"), limit=200)
    _assert_visible_focus(stops[-5:])
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/annuaire/\?(.+&)?page=2"))
    expect(page.locator(".pagination [aria-current=page]")).to_contain_text("2")


@pytest.mark.parametrize(
    ("path_name", "form_selector"),
    [
        ("directory:membership-apply", "main form[method=post]"),
        ("proposals:commitment-create", "main form[method=post]"),
        ("directory:member-login", "main form[method=post]"),
    ],
)
def test_forms_are_filled_in_reading_order_with_a_visible_focus(
    page, live_server, viewport, demo, path_name, form_selector
):
    demo("directory", "proposals")
    page.goto(live_server.url + reverse(path_name))
    expected, met = _tab_through_form(page, form_selector)
    assert met == expected
    assert "id_site_web_confirmation" not in met, "the honeypot is never a keyboard stop"


def test_correction_form_is_filled_in_reading_order(page, live_server, viewport, demo):
    demo("directory")
    page.goto(live_server.url + reverse("directory:correction-create", args=["maison-du-velo"]))
    expected, met = _tab_through_form(page, "main form[method=post]")
    assert met == expected


@pytest.mark.parametrize(
    "path",
    [
        lambda: reverse("directory:map"),
        lambda: reverse("directory:map-embed"),
        lambda: reverse("territories:index"),
        _commitment,
    ],
    ids=["map", "embedded map", "territories", "commitments"],
)
def test_the_map_is_not_a_keyboard_trap(page, live_server, viewport, demo, path):
    demo("directory", "proposals")
    page.goto(live_server.url + path())
    page.wait_for_load_state("networkidle")
    expect(page.locator(".leaflet-container .leaflet-control-zoom").first).to_be_visible()
    # Into the map...
    stops = tab_until(page, lambda info: info["inMap"], limit=150)
    _assert_visible_focus(stops[-3:])
    # ...out of it again, forwards (the map itself, its controls and markers are each one Tab)...
    tab_until(page, lambda info: info is not None and not info["inMap"], limit=150)
    # ...and, from there, back through it and out of it backwards.
    tab_until(page, lambda info: info["inMap"], limit=150, backwards=True)
    out = tab_until(page, lambda info: info is not None and not info["inMap"], limit=150, backwards=True)
    _assert_visible_focus(out[-1:])


@pytest.mark.parametrize(
    "path",
    [
        lambda: reverse("directory:map"),
        lambda: reverse("directory:map-embed"),
        lambda: reverse("directory:organisation-detail", args=["maison-du-velo"]),
        lambda: reverse("territories:index"),
        _commitment,
    ],
    ids=["map", "embedded map", "organisation", "territories", "commitments"],
)
def test_every_map_is_a_named_region(page, live_server, demo, path):
    """A map is one focusable block for Leaflet: screen readers must hear what it is when they reach it."""
    demo("directory", "proposals")
    page.goto(live_server.url + path())
    maps = page.locator(".leaflet-container")
    expect(maps.first).to_be_attached()
    for index in range(maps.count()):
        element = maps.nth(index)
        assert element.get_attribute("role") == "region", element.evaluate("(el) => el.outerHTML.slice(0, 200)")
        assert "carte" in (element.get_attribute("aria-label") or "").lower(), "the region is named as a map"
    # Leaflet's own controls speak French too (they ship in English).
    expect(page.locator(".leaflet-control-zoom-in").first).to_have_attribute("aria-label", "Zoom avant")
    expect(page.locator(".leaflet-control-zoom-out").first).to_have_attribute("aria-label", "Zoom arrière")
    expect(page.locator(".leaflet-control-attribution a[href='https://leafletjs.com']")).to_have_attribute(
        "hreflang", "en"
    )


def test_the_map_page_points_to_the_list_as_its_accessible_alternative(page, live_server, demo):
    demo("directory")
    page.goto(live_server.url + reverse("directory:map") + "?sector=reemploi-economie-circulaire")
    alternative = page.get_by_role("link", name="la même sélection en liste")
    expect(alternative).to_be_visible()
    alternative.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("directory:organisation-list") + "?sector=reemploi-economie-circulaire")


@pytest.mark.parametrize(
    "path",
    [
        lambda: reverse("directory:membership-apply"),
        lambda: reverse("directory:correction-create", args=["maison-du-velo"]),
        lambda: reverse("proposals:commitment-create"),
    ],
    ids=["membership", "correction", "commitment"],
)
def test_form_errors_are_tied_to_their_fields(page, live_server, demo, path):
    """After a failed submission, every invalid control says so and points at its error message."""
    demo("directory", "proposals")
    page.goto(live_server.url + path())
    _submit_empty(page)
    invalid = page.locator("main form [aria-invalid=true]")
    assert invalid.count() >= 1, "the invalid fields are marked aria-invalid"
    for index in range(invalid.count()):
        control = invalid.nth(index)
        name = control.get_attribute("name")
        # The control itself, or the fieldset grouping its choices, refers to the error text.
        ids = (control.get_attribute("aria-describedby") or "").split()
        group = control.locator("xpath=ancestor::fieldset[@aria-describedby][1]")
        if not ids and group.count():
            ids = group.get_attribute("aria-describedby").split()
        described = [page.locator(f"[id='{identifier}']") for identifier in ids]
        assert any(
            element.count() and element.evaluate("(el) => el.matches('.errorlist, .field-error')")
            for element in described
        ), f"{name}: aria-describedby={ids} points at no error message"
