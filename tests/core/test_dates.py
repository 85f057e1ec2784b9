"""Dates written in French no more precisely than known: a year, a month or a day."""

import datetime

import pytest

from core.dates import DatePrecision, format_precise_date


def test_dates_are_written_no_more_precisely_than_known():
    assert format_precise_date(datetime.date(2017, 1, 1), DatePrecision.YEAR) == "2017"
    assert format_precise_date(datetime.date(2018, 11, 1), DatePrecision.MONTH) == "novembre 2018"
    assert format_precise_date(datetime.date(2023, 7, 1), DatePrecision.DAY) == "1er juillet 2023"
    assert format_precise_date(datetime.date(2023, 10, 14), DatePrecision.DAY) == "14 octobre 2023"


@pytest.mark.parametrize(
    ("day", "expected"),
    [(1, "1er février 2024"), (2, "2 février 2024"), (11, "11 février 2024"), (21, "21 février 2024")],
)
def test_only_the_first_of_the_month_is_written_1er(day, expected):
    assert format_precise_date(datetime.date(2024, 2, day), DatePrecision.DAY) == expected


@pytest.mark.parametrize(
    ("month", "name"),
    [
        (1, "janvier"),
        (2, "février"),
        (3, "mars"),
        (4, "avril"),
        (5, "mai"),
        (6, "juin"),
        (7, "juillet"),
        (8, "août"),
        (9, "septembre"),
        (10, "octobre"),
        (11, "novembre"),
        (12, "décembre"),
    ],
)
def test_month_names_are_french_and_lowercase(month, name):
    assert format_precise_date(datetime.date(2020, month, 15), DatePrecision.MONTH) == f"{name} 2020"


def test_the_year_ignores_the_month_and_day_stored_with_it():
    assert format_precise_date(datetime.date(2019, 12, 31), DatePrecision.YEAR) == "2019"


def test_an_unknown_date_is_empty():
    for precision in DatePrecision:
        assert format_precise_date(None, precision) == ""
