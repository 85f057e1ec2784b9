"""Demo content of the territories app: loaded from fixtures/territories/, idempotent, linked to the directory."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from territories import demo
from territories.models import Dynamic, Initiative, Partnership, TerritoryFigure
from tests.factories import CommuneFactory, DepartmentFactory, EpciFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def fixture(name):
    return json.loads((FIXTURES / "territories" / name).read_text(encoding="utf-8"))


@pytest.fixture
def small_geography():
    """Only the places the demo content names, built with factories (not the 3,782 communes)."""
    departments = {
        code: DepartmentFactory(code=code, name=f"Département {code}", slug=f"departement-{code}")
        for code in ["02", "59", "60", "62", "80"]
    }
    sirens = {
        item for name in ["dynamics.json", "initiatives.json"] for data in fixture(name) for item in data["epcis"]
    } | {data["epci"] for data in fixture("partnerships.json") if data.get("epci")}
    epcis = {siren: EpciFactory(siren=siren, department=departments["59"]) for siren in sirens}
    insee_codes = {
        item for name in ["dynamics.json", "initiatives.json"] for data in fixture(name) for item in data["communes"]
    }
    for code in insee_codes:
        CommuneFactory(
            insee_code=code, department=departments[code[:2]], epci=EpciFactory(department=departments[code[:2]])
        )
    demo.seed_themes()
    return epcis


def test_seed_loads_every_dynamic_initiative_partnership_and_figure(small_geography):
    logged = []
    demo.seed(logged.append)

    assert Dynamic.objects.count() == len(fixture("dynamics.json"))
    assert Initiative.objects.count() == len(fixture("initiatives.json"))
    assert Partnership.objects.count() == 10
    assert TerritoryFigure.objects.count() == len(fixture("figures.json"))
    assert Initiative.objects.filter(kind="coup-de-projecteur").count() == 5
    assert any(line.startswith("not found, skipped (organisations)") for line in logged)


def test_seed_is_idempotent(small_geography):
    demo.seed(lambda message: None)
    events = sorted(Dynamic.objects.values_list("slug", "events__title"))
    demo.seed(lambda message: None)
    assert sorted(Dynamic.objects.values_list("slug", "events__title")) == events
    assert Partnership.objects.count() == 10


def test_valenciennois_timeline_runs_from_2009_to_2024_and_ends_with_the_relay(small_geography):
    demo.seed(lambda message: None)
    dynamic = Dynamic.objects.get(slug="valenciennois-animation-territoriale")
    timeline = dynamic.timeline_years()

    assert [year["year"] for year in timeline] == list(range(2009, 2025))
    levels = {year["year"]: year["level"] for year in timeline}
    assert levels[2009] == "legere"
    assert levels[2014] == "moderee"
    assert all(levels[year] == "soutenue" for year in range(2017, 2024))
    assert levels[2024] == "legere"
    assert dynamic.phase == "autonomie"
    assert "Village de l'ESS" in " ".join(e.title for e in dynamic.events.all())


def test_valenciennes_metropole_has_its_cress_figures(small_geography):
    demo.seed(lambda message: None)
    figures = {f.label: f.formatted_value for f in small_geography["245901160"].figures.all()}
    assert figures["emplois dans l'économie sociale et solidaire"] == "7\xa0892"
    assert figures["équivalents temps plein dans l'ESS"] == "6\xa0307"
    assert figures["de l'ensemble des emplois du territoire"] == "10,3\xa0%"
    assert figures["établissements employeurs de l'ESS"] == "407"


def test_organisations_are_linked_when_the_directory_has_them(small_geography):
    phare = OrganisationFactory(slug="phare", name="PHARE")
    demo.seed(lambda message: None)
    assert phare in Dynamic.objects.get(slug="ptce-auton-hommes").partners.all()


def test_every_organisation_named_by_the_content_exists_in_the_directory_demo():
    directory = FIXTURES / "directory" / "organisations.json"
    known = {item["slug"] for item in json.loads(directory.read_text(encoding="utf-8"))}
    named = {slug for data in fixture("dynamics.json") for slug in data["partners"]}
    named |= {slug for data in fixture("initiatives.json") for slug in data["organisations"]}
    named |= {data["organisation"] for data in fixture("partnerships.json") if data.get("organisation")}
    assert named - known == set()


def test_every_theme_of_the_content_exists():
    slugs = {slug for slug, *_ in demo.THEMES}
    assert {data["theme"] for data in fixture("dynamics.json")} <= slugs
    assert {slug for data in fixture("initiatives.json") for slug in data["themes"]} <= slugs
