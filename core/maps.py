"""The one map configuration: every page with a map passes `map_config(...)` to `{{ …|json_script:"map-config" }}`.

static/js/map.js reads it (`createMap()`): tiles, their attribution, the region's centre and zoom bounds
come from settings (MAP_TILES_URL, MAP_TILES_ATTRIBUTION, LEAFLET_CONFIG), so a new tile server or a
new default view is one settings change. Pages add what their script needs (data URLs, a boundary…).
"""

from django.conf import settings


def map_config(**extra):
    """Settings for map.js, JSON-serialisable; `extra` adds keys or overrides the defaults (say `center`)."""
    leaflet = settings.LEAFLET_CONFIG
    config = {
        "tilesUrl": settings.MAP_TILES_URL,
        "tilesAttribution": settings.MAP_TILES_ATTRIBUTION,
        "center": list(leaflet["DEFAULT_CENTER"]),
        "zoom": leaflet["DEFAULT_ZOOM"],
        "minZoom": leaflet["MIN_ZOOM"],
        "maxZoom": leaflet["MAX_ZOOM"],
    }
    config.update(extra)
    return config
