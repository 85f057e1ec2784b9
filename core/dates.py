"""Dates known to a year, a month or a day, written in French no more precisely than known."""

from django.db import models
from django.utils.formats import date_format


class DatePrecision(models.TextChoices):
    """How much of a stored date is known: sources often give a year or a month only."""

    YEAR = "year", "année"
    MONTH = "month", "mois"
    DAY = "day", "jour"


def format_precise_date(date, precision):
    """A date as French text, no more precise than what is known: "2017", "novembre 2018", "1er juillet 2023"."""
    if date is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(date.year)
    if precision == DatePrecision.MONTH:
        return date_format(date, "F Y").lower()
    day = "1er" if date.day == 1 else str(date.day)
    return f"{day} {date_format(date, 'F Y').lower()}"
