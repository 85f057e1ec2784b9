"""Map data of the territories app, as GeoJSON (`application/geo+json`), with ETags.

* `/api/epci.geojson`: the 92 EPCI boundaries with a `partner` flag. Boundaries are simplified at
  data-build time (see docs/data.md).
* `/api/dynamiques.geojson`: published dynamics as points coloured by theme, filtered with the same
  FilterSet (and query string) as /dynamiques/.

Both are cached and revalidated on the "territories" data version (core/data.py): a changed partnership,
dynamic or reloaded geography gets a new version in the database, seen by every worker within a second.

Both answer through core.data.cached_data_response (304, gzip, Vary, CORS).
"""

import json

from django.views.decorators.http import require_GET

from core.data import cached_data_response, normalised_query
from core.views import filter_error_messages, json_error
from territories.filters import DynamicFilterSet
from territories.models import Dynamic, Epci, Partnership

GEOJSON_CONTENT_TYPE = "application/geo+json"
# Browsers and proxies may reuse the layers for a few minutes, then revalidate with the ETag.
BROWSER_MAX_AGE = 300


def _dumps(data):
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def build_epci_collection():
    """The EPCI FeatureCollection as a JSON string (two queries: EPCI with their boundaries, partnerships)."""
    partners = {}
    for epci_id, start_year, end_year in Partnership.objects.filter(epci__isnull=False).values_list(
        "epci_id", "start_year", "end_year"
    ):
        current = partners.get(epci_id)
        partners[epci_id] = {
            "since": min(filter(None, [start_year, current and current["since"]]), default=None),
            "current": end_year is None or bool(current and current["current"]),
        }
    features = []
    rows = Epci.objects.values_list("id", "siren", "name", "slug", "kind", "population", "department__code", "boundary")
    for epci_id, siren, name, slug, kind, population, department, boundary in rows.order_by("name"):
        partner = partners.get(epci_id)
        features.append(
            {
                "type": "Feature",
                "id": siren,
                "geometry": boundary,
                "properties": {
                    "siren": siren,
                    "name": name,
                    "url": Epci(slug=slug).get_absolute_url(),
                    "kind": kind,
                    "population": population,
                    "department": department,
                    "partner": partner is not None,
                    "partnerCurrent": bool(partner and partner["current"]),
                    "partnerSince": partner["since"] if partner else None,
                },
            }
        )
    return _dumps({"type": "FeatureCollection", "features": features})


@require_GET
def epci_geojson(request):
    """The EPCI layer of the maps (regional page, EPCI pages, the directory's map)."""
    return cached_data_response(
        request,
        kind="epci",
        build=build_epci_collection,
        content_type=GEOJSON_CONTENT_TYPE,
        family="territories",
        max_age=BROWSER_MAX_AGE,
    )


@require_GET
def dynamic_geojson(request):
    """Published dynamics as points; dynamics with no commune nor EPCI (regional ones) have no point."""
    return cached_data_response(
        request,
        kind="dynamics",
        build=lambda: build_dynamic_collection(request),
        content_type=GEOJSON_CONTENT_TYPE,
        family="territories",
        query=normalised_query(request.GET),
        max_age=BROWSER_MAX_AGE,
    )


def build_dynamic_collection(request):
    """The dynamics FeatureCollection as JSON bytes, or a 400 for a malformed filter."""
    filterset = DynamicFilterSet(request.GET or None, queryset=Dynamic.objects.published().for_cards())
    if filterset.is_bound and not filterset.is_valid():
        return json_error(filter_error_messages(filterset.form))
    features = []
    for dynamic in filterset.qs:
        location = dynamic.location()
        if location is None:
            continue
        latitude, longitude = location
        features.append(
            {
                "type": "Feature",
                "id": dynamic.slug,
                "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
                "properties": {
                    "title": dynamic.title,
                    "url": dynamic.get_absolute_url(),
                    "theme": dynamic.theme.slug,
                    "themeName": dynamic.theme.name,
                    "colour": dynamic.theme.colour,
                    "phase": dynamic.get_phase_display(),
                    "period": dynamic.period,
                },
            }
        )
    return _dumps({"type": "FeatureCollection", "features": features})
