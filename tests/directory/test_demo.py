"""Demo content: organisations named in the seeds, placed in real communes; synthetic ones for scale."""

import json
from pathlib import Path

import pytest

from core.text import normalize
from directory import demo
from directory.filters import ORDERINGS, SortChoices
from directory.models import Organisation, Sector
from tests.factories import CommuneFactory, DepartmentFactory, EpciFactory, ThemeFactory

ROOT = Path(__file__).resolve().parents[2]
ORGANISATIONS = json.loads((ROOT / "fixtures" / "directory" / "organisations.json").read_text(encoding="utf-8"))
GEOGRAPHY = json.loads((ROOT / "fixtures" / "geography.json").read_text(encoding="utf-8"))
THEME_SLUGS = {
    "production-locale",
    "commande-publique-responsable",
    "cooperations-economiques-territoriales",
    "mise-en-recit",
    "immobilier-activite",
    "transition-ecologique",
    "richesses-humaines",
    "impact-social",
    "nouveaux-modeles-economiques",
}


def test_at_least_sixty_organisations_with_the_fifteen_ptce_of_2023():
    assert len(ORGANISATIONS) >= 60
    assert sum(row["kind"] == "ptce" for row in ORGANISATIONS) == 15
    names = {row["name"] for row in ORGANISATIONS}
    for expected in ("Activ'Cités", "La boîte Atout", "PTCE Hénin-Carvin", "KatalyZe", "Handélice", "DeFabNord"):
        assert expected in names


def test_every_commune_and_epci_exists_in_the_real_geography():
    communes = {row[0] for row in GEOGRAPHY["communes"]}
    epcis = {epci["siren"] for epci in GEOGRAPHY["epcis"]}
    for row in ORGANISATIONS:
        assert row["commune"] in communes, row["slug"]
        if row.get("represented_epci"):
            assert row["represented_epci"] in epcis, row["slug"]


def test_fixture_references_are_consistent():
    slugs = {row["slug"] for row in ORGANISATIONS}
    sectors = {row["slug"] for row in json.loads((ROOT / "fixtures" / "directory" / "sectors.json").read_text())}
    kinds = {value for value, _ in Organisation.Kind.choices}
    for row in ORGANISATIONS:
        assert row["kind"] in kinds
        assert set(row["sectors"]) <= sectors, row["slug"]
        assert set(row["themes"]) <= THEME_SLUGS, row["slug"]
        assert set(row.get("ptces", [])) <= slugs
        assert not row.get("siren"), "no invented SIREN"


@pytest.fixture
def small_geography(db):
    """Only the communes and EPCI the demo organisations point at, built with factories (fast)."""
    wanted_communes = {row["commune"] for row in ORGANISATIONS}
    wanted_epcis = {row["represented_epci"] for row in ORGANISATIONS if row.get("represented_epci")}
    departments = {code: DepartmentFactory(code=code, name=code, slug=code) for code in ("02", "59", "60", "62", "80")}
    rows = [row for row in GEOGRAPHY["communes"] if row[0] in wanted_communes]
    wanted_epcis |= {row[6] for row in rows if row[6]}
    epcis = {
        epci["siren"]: EpciFactory(
            siren=epci["siren"], name=epci["name"], slug=epci["slug"], department=departments[epci["department"]]
        )
        for epci in GEOGRAPHY["epcis"]
        if epci["siren"] in wanted_epcis
    }
    for code, name, slug, _postal, _population, department, epci, latitude, longitude in rows:
        CommuneFactory(
            insee_code=code,
            name=name,
            slug=slug,
            department=departments[department],
            epci=epcis.get(epci),
            latitude=latitude,
            longitude=longitude,
        )
    for slug in THEME_SLUGS:
        ThemeFactory(slug=slug, name=slug)


def test_seed_loads_everything_and_is_idempotent(small_geography):
    log = []
    demo.seed_reference(log.append)
    demo.seed(log.append)
    demo.seed(log.append)
    assert Organisation.objects.count() == len(ORGANISATIONS)
    assert Sector.objects.count() >= 12
    atout = Organisation.objects.get(name="La boîte Atout")
    assert atout.is_closed and atout.closed_on.year == 2021
    activ = Organisation.objects.get(slug="activ-cites")
    assert activ.commune.name == "Mazingarbe"
    assert activ.latitude is not None and activ.location_is_approximate
    ptce = Organisation.objects.get(slug="ptce-henin-carvin")
    assert ptce.ptce_members.count() >= 5
    assert Organisation.objects.get(slug="valenciennes-metropole").represented_epci.siren == "245901160"
    assert Organisation.objects.filter(is_member=True).count() >= 6
    assert not [line for line in log if "!" in line]


def _places_and_sectors():
    for index in range(5):
        CommuneFactory(name=f"Ville {index}")
    Sector.objects.create(slug="s", name="S")


def test_synthetic_organisations_are_named_as_such_and_searchable(db):
    _places_and_sectors()
    created = demo.seed_synthetic(50, lambda message: None)
    assert created == 50
    assert Organisation.objects.filter(name__contains="(fictive n°").count() == 50
    again = demo.seed_synthetic(5, lambda message: None)
    assert again == 5
    the_42nd = Organisation.objects.get(slug="structure-d-essai-42")
    assert Organisation.objects.search(f"{the_42nd.name.split()[0]} fictive 42").filter(pk=the_42nd.pk).exists()
    assert Organisation.objects.get(slug="structure-d-essai-55").name.endswith("(fictive n°55)")
    assert not Organisation.objects.filter(latitude__isnull=True).exists()
    # Written in bulk, yet sorted by name in the list like an organisation saved one by one.
    listed = list(Organisation.objects.order_by(*ORDERINGS[SortChoices.NAME]).values_list("name", flat=True))
    assert listed == sorted(listed, key=normalize)


def test_synthetic_text_is_varied_with_common_and_rare_words(db):
    """Realistic benchmark data: many distinct names, a few words frequent and most rare."""
    _places_and_sectors()
    demo.seed_synthetic(600, lambda message: None)
    synthetic = Organisation.objects.filter(slug__startswith=demo.SYNTHETIC_PREFIX)
    distinct_descriptions = set(synthetic.values_list("short_description", flat=True))
    assert len(distinct_descriptions) > 300
    common = synthetic.filter(search_text__contains="association").count()
    rare = synthetic.filter(search_text__contains="ludotheque").count()
    assert common > 60
    assert 0 < rare < common / 10


def test_the_worst_case_flag_repeats_one_sentence(db):
    _places_and_sectors()
    demo.seed_synthetic(20, lambda message: None, worst_case=True)
    assert set(Organisation.objects.values_list("short_description", flat=True)) == {demo.WORST_CASE_DESCRIPTION}
    assert Organisation.objects.filter(name__startswith="Structure d'essai n°").count() == 20
