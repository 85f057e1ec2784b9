"""Map data: the organisations as compact GeoJSON (RFC 7946).

Sizes matter: the map loads every matching organisation at once, so 20,000 points must stay under
400 KB gzipped (docs/directory.md gives the measured figure). Hence short property keys, coordinates
rounded to 5 decimals (about 1 m), flags only when true, the slug as feature `id` (the page builds the
detail URL from it), no whitespace.

Responses are cached and revalidated by core.data.cached_data_response on the "directory" data version.
"""

import json

from core.data import ATTRIBUTION, LICENCE

COORDINATE_DECIMALS = 5


def organisation_features(queryset):
    """The FeatureCollection of `queryset` as a dict, read in one query (no model instances)."""
    rows = queryset.located().values_list("slug", "name", "kind", "status", "is_member", "longitude", "latitude")
    features = []
    for slug, name, kind, status, is_member, longitude, latitude in rows:
        properties = {"n": name, "k": kind}
        if status == "closed":
            properties["c"] = 1
        if is_member:
            properties["m"] = 1
        features.append(
            {
                "type": "Feature",
                "id": slug,
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(longitude, COORDINATE_DECIMALS), round(latitude, COORDINATE_DECIMALS)],
                },
                "properties": properties,
            }
        )
    return {
        "type": "FeatureCollection",
        "licence": LICENCE,
        "attribution": ATTRIBUTION,
        "features": features,
    }


def dumps(document):
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
