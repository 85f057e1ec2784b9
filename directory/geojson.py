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


FEATURE_FIELDS = ("slug", "name", "kind", "status", "is_member", "longitude", "latitude")


def _feature(slug, name, kind, status, is_member, longitude, latitude):
    properties = {"n": name, "k": kind}
    if status == "closed":
        properties["c"] = 1
    if is_member:
        properties["m"] = 1
    return {
        "type": "Feature",
        "id": slug,
        "geometry": {
            "type": "Point",
            "coordinates": [round(longitude, COORDINATE_DECIMALS), round(latitude, COORDINATE_DECIMALS)],
        },
        "properties": properties,
    }


def _collection(features):
    return {"type": "FeatureCollection", "licence": LICENCE, "attribution": ATTRIBUTION, "features": features}


def organisation_features(queryset):
    """The FeatureCollection of `queryset` as a dict, read in one query (no model instances)."""
    return _collection([_feature(*row) for row in queryset.located().values_list(*FEATURE_FIELDS)])


def organisation_collection_bytes(queryset):
    """`dumps(organisation_features(queryset))`, the same bytes, written feature by feature from a cursor.

    For the full map data: at 200,000 points, holding every feature's dict and then the whole JSON text took a
    worker to 527 MB (budget 300 MB, bench/RESULTS-misses.md). Here only the encoded body grows.
    """
    head = dumps(_collection([]))
    assert head.endswith(b"[]}")  # the features come last: the body is head[:-2], the features, "]}"
    body = bytearray(head[:-2])
    rows = queryset.located().values_list(*FEATURE_FIELDS).iterator(chunk_size=5000)
    for index, row in enumerate(rows):
        if index:
            body += b","
        body += dumps(_feature(*row))
    body += b"]}"
    return bytes(body)


def dumps(document):
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
