"""Territories: the geography first (`geography`), then the network's work on it (`work`)."""

from .geography import Commune, CommuneLookup, CommuneQuerySet, Department, Epci, Theme
from .work import (
    Dynamic,
    DynamicQuerySet,
    Initiative,
    InitiativeQuerySet,
    Involvement,
    Partnership,
    PartnershipQuerySet,
    TerritoryFigure,
    TimelineEvent,
)

__all__ = [
    "Commune",
    "CommuneLookup",
    "CommuneQuerySet",
    "Department",
    "Dynamic",
    "DynamicQuerySet",
    "Epci",
    "Initiative",
    "InitiativeQuerySet",
    "Involvement",
    "Partnership",
    "PartnershipQuerySet",
    "TerritoryFigure",
    "Theme",
    "TimelineEvent",
]
