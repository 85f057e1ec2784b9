"""Views of the territories app: the map data of EPCI and dynamics (the pages are in apes_portal)."""

from territories.views.geojson import dynamic_geojson, epci_geojson

__all__ = ["dynamic_geojson", "epci_geojson"]
