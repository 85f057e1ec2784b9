"""Views of the territories app: public pages (`public`) and map data (`geojson`)."""

from territories.views.geojson import dynamic_geojson, epci_geojson
from territories.views.public import (
    DynamicDetailView,
    DynamicListView,
    EpciDetailView,
    InitiativeDetailView,
    InitiativeListView,
    TerritoryIndexView,
    ThemeDetailView,
)

__all__ = [
    "DynamicDetailView",
    "DynamicListView",
    "EpciDetailView",
    "InitiativeDetailView",
    "InitiativeListView",
    "TerritoryIndexView",
    "ThemeDetailView",
    "dynamic_geojson",
    "epci_geojson",
]
