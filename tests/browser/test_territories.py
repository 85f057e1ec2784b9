"""The regional map and the territories pages in a real Chromium: EPCI layer, legend, markers, timeline, axe."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.a11y import assert_no_violations, axe_summary  # noqa: F401 - axe_summary is a fixture
from tests.factories import (
    CommuneFactory,
    DepartmentFactory,
    DynamicFactory,
    EpciFactory,
    InitiativeFactory,
    PartnershipFactory,
    ThemeFactory,
    TimelineEventFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("axe_summary"),
]


def square(longitude, latitude, size=0.2):
    ring = [
        [longitude, latitude],
        [longitude + size, latitude],
        [longitude + size, latitude + size],
        [longitude, latitude + size],
        [longitude, latitude],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def region(db):
    """Four EPCI (one partner), two themes, three dynamics of which two have a place on the map."""
    nord = DepartmentFactory(code="59", name="Nord", slug="nord")
    epcis = [
        EpciFactory(
            name=f"EPCI {number}",
            department=nord,
            boundary=square(2.4 + 0.3 * number, 50.0),
            centroid_latitude=50.1,
            centroid_longitude=2.5 + 0.3 * number,
        )
        for number in range(4)
    ]
    PartnershipFactory(epci=epcis[0], start_year=2017)
    cooperations = ThemeFactory(slug="cooperations", name="Coopérations économiques territoriales", colour="#b5462f")
    recit = ThemeFactory(slug="mise-en-recit", name="Mise en récit", colour="#a86b00", order=1)
    DynamicFactory(title="Quinze ans dans le Valenciennois", theme=cooperations).epcis.add(epcis[0])
    grenay = CommuneFactory(name="Grenay", department=nord, epci=epcis[1], latitude=50.1, longitude=2.85)
    DynamicFactory(title="Terre tous", theme=cooperations).communes.add(grenay)
    DynamicFactory(title="Mettre en récit", theme=recit)  # regional: listed, no point
    return {"epcis": epcis, "cooperations": cooperations, "recit": recit}


def test_regional_map_draws_the_epci_layer_markers_and_legend(page, live_server, region):
    page.goto(live_server.url + reverse("territories:index"))
    map_element = page.locator("[data-territories-map]")
    expect(map_element).to_have_attribute("data-map-state", "ready")

    expect(page.locator("path.epci-area")).to_have_count(4)
    expect(page.locator("path.epci-partner")).to_have_count(1)
    assert map_element.get_attribute("data-epci-count") == "4"
    expect(page.locator("path.dynamic-marker")).to_have_count(2)
    expect(page.locator("path.dynamic-marker.theme-cooperations")).to_have_count(2)
    box = page.locator("path.dynamic-marker").first.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24, "a dynamic is a target a finger can hit (WCAG 2.2)"

    legend = page.locator("[data-map-legend]")
    expect(legend).to_be_visible()
    expect(legend.locator("[data-theme=cooperations] .legend-count")).to_have_text("2 dynamiques")
    expect(legend.locator("[data-theme=mise-en-recit] .legend-count")).to_have_text("1 dynamique")
    expect(legend).to_contain_text("3 dynamiques en 2 thématiques")
    expect(legend).to_contain_text("EPCI ayant conventionné avec l'Apes")

    # A partner area leads to its EPCI page. The click is dispatched on the area itself: a dynamic's
    # marker may sit on the area's centre, where a pointer click would land on the marker instead.
    page.locator("path.epci-partner").dispatch_event("click")
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Partenaire de l'Apes depuis 2017")
    link = popup.get_by_role("link", name="EPCI 0")
    expect(link).to_have_attribute("href", region["epcis"][0].get_absolute_url())
    link.dispatch_event("click")  # the popup may still be panning into view: no pointer needed
    expect(page).to_have_url(live_server.url + region["epcis"][0].get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("EPCI 0")


def test_regional_map_still_draws_areas_without_tiles(page, live_server, region):
    page.route("**/*.png", lambda route: route.abort())
    page.goto(live_server.url + reverse("territories:index"))
    expect(page.locator("[data-territories-map]")).to_have_attribute("data-map-state", "ready")
    expect(page.locator("path.epci-area")).to_have_count(4)


def test_epci_page_draws_its_boundary_and_passes_axe(page, live_server, region):
    page.goto(live_server.url + region["epcis"][0].get_absolute_url())
    expect(page.locator("[data-territories-map]")).to_have_attribute("data-map-state", "ready")
    expect(page.locator("path.epci-area")).to_have_count(1)
    expect(page.locator("path.dynamic-marker")).to_have_count(1)
    assert_no_violations(page)


def test_regional_page_passes_axe(page, live_server, region):
    page.goto(live_server.url + reverse("territories:index"))
    expect(page.locator("[data-territories-map]")).to_have_attribute("data-map-state", "ready")
    assert_no_violations(page)


def test_dynamic_timeline_reads_without_colour_and_passes_axe(page, live_server, region):
    dynamic = DynamicFactory(title="Trajectoire", theme=region["cooperations"], start_year=2009, end_year=2011)
    TimelineEventFactory(dynamic=dynamic, date=datetime.date(2009, 1, 1), title="Premiers pas", involvement="legere")
    TimelineEventFactory(dynamic=dynamic, date=datetime.date(2011, 1, 1), title="Convention", involvement="soutenue")

    page.goto(live_server.url + dynamic.get_absolute_url())

    years = page.locator("[data-timeline] > li")
    expect(years).to_have_count(3)
    expect(years.nth(0)).to_contain_text("Implication de l'Apes : légère")
    expect(years.nth(1)).to_contain_text("Pas d'étape marquante cette année")
    expect(years.nth(2)).to_contain_text("Implication de l'Apes : soutenue")
    # Level also reads from the bars' heights, not only from a colour.
    light = page.locator(".timeline-column.level-legere .timeline-bar").bounding_box()["height"]
    sustained = page.locator(".timeline-column.level-soutenue .timeline-bar").bounding_box()["height"]
    assert sustained > 2 * light
    assert_no_violations(page)


def test_dynamic_list_filters_from_the_form(page, live_server, region):
    page.goto(live_server.url + reverse("territories:dynamic-list"))
    expect(page.locator(".result-count")).to_have_text("3 dynamiques.")
    page.get_by_label("Thématique").select_option(label="Mise en récit")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator(".result-count")).to_have_text("1 dynamique correspond à ces filtres.")
    assert "theme=mise-en-recit" in page.url
    assert_no_violations(page)


def test_initiative_page_passes_axe(page, live_server, region):
    initiative = InitiativeFactory(
        title="Terre tous",
        impact="- un support d'activité ;\n- des habitants associés.",
        vigilance="Un sol à dépolluer.",
        contact_email="accueil@example.org",
    )
    initiative.themes.add(region["cooperations"])
    page.goto(live_server.url + initiative.get_absolute_url())
    expect(page.get_by_role("heading", level=2, name="Points de vigilance")).to_be_visible()
    assert_no_violations(page)
