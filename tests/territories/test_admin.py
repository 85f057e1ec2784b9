"""Staff admin of the territories app: lists, autocomplete on geography, dynamics with their timeline and history."""

import json

import pytest
from django.urls import reverse

from territories.models import Dynamic
from tests.factories import (
    CommuneFactory,
    DynamicFactory,
    EpciFactory,
    InitiativeFactory,
    PartnershipFactory,
    TerritoryFigureFactory,
    ThemeFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db


def admin_url(name, *args):
    return reverse(f"admin:territories_{name}", args=args)


@pytest.mark.parametrize(
    "model", ["department", "epci", "commune", "theme", "dynamic", "partnership", "territoryfigure", "initiative"]
)
def test_every_territories_list_opens(administrator_client, model):
    CommuneFactory()
    DynamicFactory()
    PartnershipFactory()
    TerritoryFigureFactory()
    InitiativeFactory()
    assert administrator_client.get(admin_url(f"{model}_changelist")).status_code == 200


def test_dynamic_change_page_shows_its_timeline_inline_and_history(administrator_client):
    dynamic = DynamicFactory(title="Quinze ans dans le Valenciennois")
    TimelineEventFactory(dynamic=dynamic, title="Village de l'ESS")
    response = administrator_client.get(admin_url("dynamic_change", dynamic.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Village de l&#x27;ESS" in page
    assert "tapes (frise chronologique)" in page
    assert administrator_client.get(admin_url("dynamic_history", dynamic.pk)).status_code == 200


def test_staff_creates_a_dynamic_with_its_timeline(administrator_client):
    theme = ThemeFactory()
    epci = EpciFactory()
    data = {
        "title": "Terre tous",
        "slug": "terre-tous",
        "theme": theme.pk,
        "summary": "Une friche devient jardin.",
        "description": "",
        "is_published": "on",
        "epcis": [epci.pk],
        "start_year": "2021",
        "end_year": "",
        "phase": "emergence",
        "events-TOTAL_FORMS": "2",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
        "events-0-date": "01/01/2021",
        "events-0-date_precision": "year",
        "events-0-title": "Consultation des habitants",
        "events-0-involvement": "",
        "events-0-order": "0",
        "events-1-date": "01/10/2023",
        "events-1-date_precision": "month",
        "events-1-title": "Premiers travaux",
        "events-1-involvement": "legere",
        "events-1-order": "0",
    }
    response = administrator_client.post(admin_url("dynamic_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    dynamic = Dynamic.objects.get(slug="terre-tous")
    assert [e.title for e in dynamic.events.all()] == ["Consultation des habitants", "Premiers travaux"]
    assert list(dynamic.epcis.all()) == [epci]
    assert dynamic.history.count() == 1


def test_staff_cannot_save_a_dynamic_that_ends_before_it_starts(administrator_client):
    theme = ThemeFactory()
    data = {
        "title": "À l'envers",
        "slug": "a-l-envers",
        "theme": theme.pk,
        "summary": "…",
        "start_year": "2020",
        "end_year": "2019",
        "phase": "emergence",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
    }
    response = administrator_client.post(admin_url("dynamic_add"), data)
    assert response.status_code == 200
    assert "L&#x27;année de fin ne peut pas précéder l&#x27;année de début." in response.content.decode()


@pytest.mark.parametrize(("model", "field"), [("epci", "epcis"), ("commune", "communes"), ("theme", "themes")])
def test_geography_and_themes_are_searchable_for_autocomplete(administrator_client, model, field):
    CommuneFactory(name="Valenciennes")
    ThemeFactory(name="Valenciennes et récit")
    EpciFactory(name="CA Valenciennes Métropole")
    response = administrator_client.get(
        reverse("admin:autocomplete"),
        {"term": "Valenciennes", "app_label": "territories", "model_name": "initiative", "field_name": field},
    )
    assert response.status_code == 200
    results = json.loads(response.content)["results"]
    assert len(results) >= 1
    assert all("Valenciennes" in result["text"] for result in results)


def test_editor_can_edit_dynamics(client, editor):
    client.force_login(editor)
    dynamic = DynamicFactory()
    assert client.get(admin_url("dynamic_change", dynamic.pk)).status_code == 200


def test_visitor_is_sent_to_the_login(client):
    response = client.get(admin_url("dynamic_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
