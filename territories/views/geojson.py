"""Map data of the territories app, as GeoJSON (`application/geo+json`), with ETags.

* `/api/epci.geojson`: the 92 EPCI boundaries with a `partner` flag. Boundaries are simplified at
  data-build time (see docs/data.md); the serialised body is cached (Django cache) under a key derived
  from a cheap fingerprint query, so a changed partnership or a reloaded geography never serves stale data,
  and a client holding the current ETag gets a 304 after that single fingerprint query.
* `/api/dynamiques.geojson`: published dynamics as points coloured by theme, filtered with the same
  FilterSet (and query string) as /dynamiques/.
"""

import hashlib
import json

from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.http import HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from territories.filters import DynamicFilterSet
from territories.models import Dynamic, Epci, Partnership

GEOJSON_CONTENT_TYPE = "application/geo+json"
EPCI_CACHE_SECONDS = 3600
# Browsers and proxies may reuse the layers for a few minutes, then revalidate with the ETag.
BROWSER_MAX_AGE = 300


def _dumps(data):
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _geojson_response(request, body, etag):
    """A GeoJSON response with its ETag, or a 304 when the client already holds that version."""
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    response = HttpResponse(body, content_type=GEOJSON_CONTENT_TYPE)
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)
    return response


def epci_fingerprint():
    """A short hash that changes whenever the EPCI layer would change (two aggregate queries)."""
    epcis = Epci.objects.aggregate(count=Count("id"), last=Max("id"), population=Sum("population"))
    partnerships = Partnership.objects.aggregate(count=Count("id"), updated=Max("updated_at"))
    raw = repr((sorted(epcis.items()), sorted(partnerships.items()))).encode()
    return hashlib.sha256(raw).hexdigest()[:20]


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


@gzip_page
@require_GET
def epci_geojson(request):
    """The EPCI layer of the maps (regional page, EPCI pages, the directory's map)."""
    fingerprint = epci_fingerprint()
    etag = f'"epci-{fingerprint}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    key = f"territories:epci-geojson:{fingerprint}"
    body = cache.get(key)
    if body is None:
        body = build_epci_collection()
        cache.set(key, body, EPCI_CACHE_SECONDS)
    return _geojson_response(request, body, etag)


@gzip_page
@require_GET
def dynamic_geojson(request):
    """Published dynamics as points; dynamics with no commune nor EPCI (regional ones) have no point."""
    filterset = DynamicFilterSet(request.GET or None, queryset=Dynamic.objects.published().for_cards())
    if filterset.is_bound and not filterset.is_valid():
        errors = {field: [str(e) for e in messages] for field, messages in filterset.errors.items()}
        return JsonResponse({"error": "Filtre invalide.", "fields": errors}, status=400)
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
    body = _dumps({"type": "FeatureCollection", "features": features})
    etag = f'"dyn-{hashlib.sha256(body.encode()).hexdigest()[:20]}"'
    return _geojson_response(request, body, etag)
