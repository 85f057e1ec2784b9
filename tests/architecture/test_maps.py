"""Maps: one configuration (core.maps.map_config) and one map module (static/js/map.js) for every page."""

import re
from pathlib import Path

from django.test import override_settings

from core.maps import map_config

STATIC_JS = Path(__file__).resolve().parents[2] / "static" / "js"
MAP_MODULES = ["directory-map.js", "directory-detail-map.js", "territories-map.js", "proposals-map.js"]


@override_settings(
    MAP_TILES_URL="https://tuiles.example/{z}/{x}/{y}.png",
    MAP_TILES_ATTRIBUTION="Tuiles Exemple",
    LEAFLET_CONFIG={"DEFAULT_CENTER": (49.9, 2.3), "DEFAULT_ZOOM": 7, "MIN_ZOOM": 5, "MAX_ZOOM": 17},
)
def test_map_config_follows_the_settings_and_takes_page_extras():
    config = map_config(dataUrl="/api/x.geojson", zoom=12)
    assert config == {
        "tilesUrl": "https://tuiles.example/{z}/{x}/{y}.png",
        "tilesAttribution": "Tuiles Exemple",
        "center": [49.9, 2.3],
        "zoom": 12,
        "minZoom": 5,
        "maxZoom": 17,
        "dataUrl": "/api/x.geojson",
    }


def test_every_map_module_creates_its_map_through_map_js():
    for name in MAP_MODULES:
        source = (STATIC_JS / name).read_text()
        assert 'from "./map.js"' in source, name
        assert "L.map(" not in source and "L.tileLayer(" not in source, name
        assert not re.search(r"insertAdjacentHTML|getElementById\(\"[a-z-]*config", source), name
