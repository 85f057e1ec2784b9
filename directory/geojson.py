"""Map data: compact GeoJSON (RFC 7946) of organisations and of EPCI boundaries, and the cache around it.

Sizes matter: the map loads every matching organisation at once, so 20,000 points must stay under
400 KB gzipped (docs/directory.md gives the measured figure). Hence short property keys, coordinates
rounded to 5 decimals (about 1 m), flags only when true, the slug as feature `id` (the page builds the
detail URL from it), no whitespace.

Responses are cached under a key made of the normalised query string and a *data version*: a token
kept in the cache and replaced on every save or delete of an organisation, a sector or one of their
links (signals at the end of directory/models.py). With `REDIS_URL` set, every app server sees the
same version; with the default local-memory cache each process keeps its own, which is only right for
a single process (`runserver`, tests) — production runs several, hence Redis there (see the README).
"""

import gzip
import hashlib
import json
import uuid
from urllib.parse import urlencode

from django.core.cache import cache
from django.utils import timezone

DATA_VERSION_KEY = "directory:data-version"
CACHE_PREFIX = "directory:data"
# Rendered payloads live this long even without changes, so a cache never grows stale forever
# if a change slips past the signals (a raw SQL update, say).
PAYLOAD_TIMEOUT = 60 * 60
COORDINATE_DECIMALS = 5

LICENCE = "Licence Ouverte 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
ATTRIBUTION = "Apes Hauts-de-France"


def data_version():
    """The current data version: {"token": str, "modified": POSIX seconds}, created on first use."""
    version = cache.get(DATA_VERSION_KEY)
    if version is None:
        cache.add(DATA_VERSION_KEY, _new_version(), timeout=None)
        version = cache.get(DATA_VERSION_KEY) or _new_version()
    return version


def bump_data_version():
    cache.set(DATA_VERSION_KEY, _new_version(), timeout=None)


def _new_version():
    return {"token": uuid.uuid4().hex, "modified": int(timezone.now().timestamp())}


def normalised_query(querydict, ignore=()):
    """The query string in a canonical form (sorted keys and values, empty values dropped)."""
    items = sorted(
        (key, value) for key in querydict for value in querydict.getlist(key) if value != "" and key not in ignore
    )
    return urlencode(items)


def cache_key(kind, query):
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    return f"{CACHE_PREFIX}:{kind}:{data_version()['token']}:{digest}"


def etag_for(kind, query):
    digest = hashlib.sha256(f"{kind}|{data_version()['token']}|{query}".encode()).hexdigest()[:24]
    # Weak: the same entity is sent gzipped or not.
    return f'W/"{digest}"'


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


def payload(body):
    """A cacheable rendering: the body, its gzip form (compressed once, served many times)."""
    return {"body": body, "gzip": gzip.compress(body, compresslevel=6, mtime=0)}
