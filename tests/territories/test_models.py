"""Territories models: timelines, dates known to a year or a month, figures in French notation, invariants."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from territories.models import Dynamic, Partnership, TerritoryFigure
from tests.factories import (
    CommuneFactory,
    DynamicFactory,
    EpciFactory,
    PartnershipFactory,
    TerritoryFigureFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db


def year(value):
    return datetime.date(value, 1, 1)


def test_timeline_groups_events_by_year_in_order_and_keeps_empty_years():
    dynamic = DynamicFactory(start_year=2009, end_year=2013)
    TimelineEventFactory(dynamic=dynamic, date=year(2012), title="Second", involvement="legere", order=1)
    TimelineEventFactory(dynamic=dynamic, date=year(2012), title="Premier", involvement="moderee", order=0)
    TimelineEventFactory(dynamic=dynamic, date=year(2009), title="Début", involvement="legere")

    timeline = Dynamic.objects.get(pk=dynamic.pk).timeline_years()

    assert [entry["year"] for entry in timeline] == [2009, 2010, 2011, 2012, 2013]
    assert [event.title for event in timeline[3]["events"]] == ["Premier", "Second"]
    assert timeline[1]["events"] == [] and timeline[1]["level"] == ""


def test_a_years_level_is_the_strongest_involvement_of_its_events():
    dynamic = DynamicFactory(start_year=2017, end_year=2017)
    TimelineEventFactory(dynamic=dynamic, date=year(2017), involvement="legere")
    TimelineEventFactory(dynamic=dynamic, date=year(2017), involvement="soutenue")
    TimelineEventFactory(dynamic=dynamic, date=year(2017), involvement="moderee")
    TimelineEventFactory(dynamic=dynamic, date=year(2017), involvement="")

    [entry] = dynamic.timeline_years()

    assert entry["level"] == "soutenue"
    assert entry["level_label"] == "Soutenue"


def test_a_year_whose_events_give_no_level_has_none():
    dynamic = DynamicFactory(start_year=2021)
    TimelineEventFactory(dynamic=dynamic, date=year(2021), involvement="")

    [entry] = dynamic.timeline_years()

    assert entry["level"] == ""
    assert len(entry["events"]) == 1


def test_timeline_extends_to_events_outside_the_declared_years():
    dynamic = DynamicFactory(start_year=2021, end_year=None)
    TimelineEventFactory(dynamic=dynamic, date=year(2019))
    TimelineEventFactory(dynamic=dynamic, date=year(2023))

    assert [entry["year"] for entry in dynamic.timeline_years()] == [2019, 2020, 2021, 2022, 2023]


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [(Decimal("7892"), "", "7\xa0892"), (Decimal("10.30"), "%", "10,3\xa0%"), (Decimal("407.00"), "", "407")],
)
def test_figures_read_in_french_notation(value, unit, expected):
    figure = TerritoryFigureFactory(value=value, unit=unit)
    assert figure.formatted_value == expected
    assert figure.display_date == "septembre 2024"


def test_a_figure_belongs_to_one_territory_at_most():
    figure = TerritoryFigureFactory()
    figure.department = figure.epci.department
    with pytest.raises(ValidationError):
        figure.clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        figure.save()


def test_a_dynamic_cannot_end_before_it_starts():
    dynamic = DynamicFactory.build(start_year=2020, end_year=2019)
    with pytest.raises(ValidationError) as error:
        dynamic.clean()
    assert "end_year" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        DynamicFactory(start_year=2020, end_year=2019)


def test_dynamic_period_reads_naturally():
    assert DynamicFactory.build(start_year=2009, end_year=2024).period == "2009–2024"
    assert DynamicFactory.build(start_year=2021, end_year=None).period == "depuis 2021"


def test_a_partnership_needs_an_epci_or_an_authority_name():
    partnership = Partnership(start_year=2017)
    with pytest.raises(ValidationError) as error:
        partnership.clean()
    assert "authority_name" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        partnership.save()


def test_a_department_partnership_has_its_own_name_and_a_date_sets_the_year():
    partnership = Partnership.objects.create(
        authority_name="Département du Pas-de-Calais", start_date=datetime.date(2019, 3, 4)
    )
    assert str(partnership) == "Département du Pas-de-Calais"
    assert partnership.start_year == 2019
    assert partnership.since == "4 mars 2019"


def test_an_epci_partnership_is_named_after_the_epci_and_is_current_until_it_ends():
    partnership = PartnershipFactory(epci=EpciFactory(name="CA Valenciennes Métropole"), end_year=None)
    assert partnership.name == "CA Valenciennes Métropole"
    assert partnership.is_current
    assert Partnership.objects.current().count() == 1


def test_marker_position_is_the_first_commune_then_the_epci_centre_then_none():
    commune = CommuneFactory(latitude=50.1, longitude=3.1)
    epci = EpciFactory(centroid_latitude=49.9, centroid_longitude=2.3)
    on_commune = DynamicFactory()
    on_commune.communes.add(commune)
    on_commune.epcis.add(epci)
    on_epci = DynamicFactory()
    on_epci.epcis.add(epci)
    regional = DynamicFactory()

    assert on_commune.location() == (50.1, 3.1)
    assert on_epci.location() == (49.9, 2.3)
    assert regional.location() is None


def test_dynamics_in_an_epci_include_those_of_its_communes_once():
    commune = CommuneFactory()
    epci = commune.epci
    both = DynamicFactory()
    both.epcis.add(epci)
    both.communes.add(commune)
    via_commune = DynamicFactory()
    via_commune.communes.add(commune)
    elsewhere = DynamicFactory()
    elsewhere.epcis.add(EpciFactory())

    assert sorted(d.pk for d in Dynamic.objects.in_epci(epci)) == sorted([both.pk, via_commune.pk])


def test_dynamics_keep_a_change_history():
    dynamic = DynamicFactory(phase="emergence")
    dynamic.phase = "structuration"
    dynamic.save()
    assert [h.phase for h in dynamic.history.all()] == ["structuration", "emergence"]


def test_figure_scope_names_the_territory():
    epci_figure = TerritoryFigureFactory()
    regional = TerritoryFigure(label="PTCE", value=15, source="ESS HdF", as_of=datetime.date(2023, 1, 1))
    assert epci_figure.territory_name == epci_figure.epci.name
    assert regional.territory_name == "Hauts-de-France"


def test_communes_are_found_by_folded_name_and_by_postal_code(db):
    from territories.models import Commune
    from tests.factories import CommuneFactory

    saint_amand = CommuneFactory(name="Saint-Amand-les-Eaux", postal_codes=["59230"])
    CommuneFactory(name="Saint-Amand", postal_codes=["62760"])
    assert list(Commune.objects.named("saint amand LES eaux")) == [saint_amand]
    assert list(Commune.objects.named("  ")) == []
    assert Commune.objects.with_postal_code("59230") == [saint_amand]
    assert Commune.objects.with_postal_code("5923") == []  # a prefix is not a postal code
