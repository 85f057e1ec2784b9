"""Zoom-aware map data: `/api/organisations/clusters.json?zoom=Z&bbox=W,S,E,N` plus the list's filters.

The map's first request. With a filtered set small enough for the browser to cluster (`INDEX_LIMIT`), it answers
every point at once (`"index": true`) and the map indexes them with Supercluster, as before; with a larger set
(the national scale: 200,000 organisations) it answers what the view shows:

* zoom ≤ `REGION_ZOOM`: clusters of the whole filtered set (the bbox is ignored, so every visitor of the
  default view shares one cached answer per filter);
* `REGION_ZOOM` < zoom < `POINTS_ZOOM`: clusters inside the bbox (required);
* zoom ≥ `POINTS_ZOOM`: the points inside the bbox, as the GeoJSON's compact features.

Clusters are cells of a grid of `CELL_PX` screen pixels at that zoom, grouped in SQL (`GROUP BY` on the floored
coordinates): the worker holds one row per non-empty cell, never one per organisation. A cell with a single
organisation is sent as that organisation's feature (name, kind, popup). The bbox is widened to whole blocks of
4 × 4 cells, so a cell is never cut by the edge of a view and the answers of nearby views share a cache entry.

Bad input answers 400 with French messages: a malformed or inverted bbox, a missing one where it is needed, one
too large for its zoom (no view is wider than `MAX_VIEW_PX`: no full scan by the back door), a zoom outside the
map's range. A bbox outside the region answers an empty view. Served through `core.data.cached_data_response`,
cached on the directory's data version.
"""

import math
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.db.models import Avg, Count, F, FloatField, Max, Min, Value
from django.db.models.functions import Floor
from django.views.decorators.http import require_GET

from core.data import cache_key, cached, cached_data_response, normalised_query, store
from core.views import json_error
from directory import geojson
from directory.filters import REGION_BOUNDS, BoundingBoxField, OrganisationFilterSet
from directory.models import Organisation

#: Up to this many points the browser gets them all and clusters them itself; above, the server clusters.
#: With the realistic names of `seed_demo` a point weighs ~22 bytes gzipped (16,713 points: 363 KB), so every
#: first view, whatever the selection, stays under 500 KB with the page and its scripts (bench/RESULTS-misses.md).
INDEX_LIMIT = 15_000
#: Up to this zoom the clusters cover the whole region, whatever the view.
REGION_ZOOM = 9
#: From this zoom on every point is sent alone (directory-map.js's Supercluster stops clustering at 14 too).
POINTS_ZOOM = 15
#: Side of a grid cell, in screen pixels (a power of two: a 256-pixel tile holds exactly 4 × 4 cells).
CELL_PX = 64
#: No view is wider or taller than this many pixels (a 4K screen with half a screen of margin each side).
MAX_VIEW_PX = 8192
#: Grid cells are square on screen at the region's latitude (the cos(latitude) of Web Mercator varies by
#: 4 % across Hauts-de-France: the cells are as square as a glance can tell).
_LAT_SCALE = math.cos(math.radians(50.0))
DECIMALS = 5


class ZoomField(forms.IntegerField):
    """The map's zoom level, within the map's range (read when the field is made: tests override the setting)."""

    default_error_messages = {
        "required": "Indiquez le niveau de zoom (zoom), un entier.",
        "invalid": "Le niveau de zoom (zoom) doit être un nombre entier.",
    }

    def __init__(self, **kwargs):
        low, high = settings.LEAFLET_CONFIG["MIN_ZOOM"], settings.LEAFLET_CONFIG["MAX_ZOOM"]
        between = f"Le niveau de zoom (zoom) doit être compris entre {low} et {high}."
        messages = {"min_value": between, "max_value": between}
        super().__init__(min_value=low, max_value=high, error_messages=messages, **kwargs)


def _cell_size(zoom):
    """(longitude, latitude) degrees of one grid cell at `zoom`."""
    width = CELL_PX * 360 / (256 * 2**zoom)
    return width, width * _LAT_SCALE


def _snapped(bbox, zoom):
    """`bbox` clipped to the region and widened to whole 4 × 4-cell blocks; None when it misses the region."""
    west, south, east, north = bbox
    west, east = max(west, REGION_BOUNDS["west"]), min(east, REGION_BOUNDS["east"])
    south, north = max(south, REGION_BOUNDS["south"]), min(north, REGION_BOUNDS["north"])
    if west >= east or south >= north:
        return None
    width, height = (4 * size for size in _cell_size(zoom))
    return (
        round(math.floor(west / width) * width, 9),
        round(math.floor(south / height) * height, 9),
        round(math.ceil(east / width) * width, 9),
        round(math.ceil(north / height) * height, 9),
    )


def read_view(params):
    """(zoom, bbox or None, errors) from the query string; the bbox is snapped (see `_snapped`)."""
    errors = []
    zoom = bbox = None
    try:
        zoom = ZoomField().clean(params.get("zoom", ""))
    except forms.ValidationError as error:
        errors.extend(error.messages)
    try:
        bbox = BoundingBoxField(required=False).clean(params.get("bbox", ""))
    except forms.ValidationError as error:
        errors.extend(error.messages)
        return zoom, None, errors
    if zoom is None or zoom <= REGION_ZOOM:
        return zoom, None, errors
    if bbox is None:
        errors.append(f"Au-delà du zoom {REGION_ZOOM}, indiquez la zone affichée (bbox=ouest,sud,est,nord).")
        return zoom, None, errors
    degrees = MAX_VIEW_PX * 360 / (256 * 2**zoom)
    if bbox[2] - bbox[0] > degrees or bbox[3] - bbox[1] > degrees * _LAT_SCALE:
        errors.append("La zone demandée (bbox) est trop grande pour ce niveau de zoom : rapprochez le zoom.")
        return zoom, None, errors
    return zoom, _snapped(bbox, zoom) or "outside", errors


def _round(value):
    return round(value, DECIMALS)


def grid_clusters(queryset, zoom):
    """([[lon, lat, count, west, south, east, north], …], [features of single points]) for the grid at `zoom`.

    Two queries: the cells (grouped in SQL), then the organisations alone in their cell.
    """
    width, height = _cell_size(zoom)
    cells = (
        queryset.order_by()
        .annotate(cell_x=Floor(_divided("longitude", width)))
        .annotate(cell_y=Floor(_divided("latitude", height)))
        .values("cell_x", "cell_y")
        .annotate(
            count=Count("id"),
            lon=Avg("longitude"),
            lat=Avg("latitude"),
            west=Min("longitude"),
            south=Min("latitude"),
            east=Max("longitude"),
            north=Max("latitude"),
            first=Min("id"),
        )
        .values_list("count", "lon", "lat", "west", "south", "east", "north", "first")
    )
    clusters, alone = [], []
    for count, lon, lat, west, south, east, north, first in cells:
        if count == 1:
            alone.append(first)
        else:
            clusters.append([_round(lon), _round(lat), count, _round(west), _round(south), _round(east), _round(north)])
    clusters.sort(key=lambda cluster: (cluster[1], cluster[0]))
    features = []
    if alone:
        features = geojson.organisation_features(Organisation.objects.filter(id__in=alone).order_by("id"))["features"]
    return clusters, features


def _divided(field, size):
    return F(field) / Value(size, output_field=FloatField())


def _inside(queryset, bbox):
    west, south, east, north = bbox
    return queryset.filter(longitude__gte=west, longitude__lte=east, latitude__gte=south, latitude__lte=north)


def summary_of(located, filter_query):
    """Count and extent of the filtered set: one aggregate over it, cached apart from the view.

    Every view of a selection shares it, so a pan at high zoom costs only the query of its bbox.
    """
    key = cache_key("organisation-summary", filter_query)
    summary = cached(key)
    if summary is None:
        summary = located.aggregate(
            total=Count("id"),
            west=Min("longitude"),
            south=Min("latitude"),
            east=Max("longitude"),
            north=Max("latitude"),
        )
        store(key, summary)
    return summary


def build_view(queryset, zoom, bbox, filter_query=""):
    """The answer for a valid filtered `queryset`, `zoom` and snapped `bbox` (None: the whole region)."""
    located = queryset.located().order_by()
    summary = summary_of(located, filter_query)
    total = summary["total"]
    answer = {"total": total, "index": total <= INDEX_LIMIT}
    if total:
        answer["bounds"] = [_round(summary[key]) for key in ("west", "south", "east", "north")]
    if answer["index"]:
        answer["clusters"] = []
        answer["features"] = geojson.organisation_features(located)["features"] if total else []
        return answer  # the same for every view: no zoom in it (see `organisation_clusters`)
    answer["zoom"] = zoom
    if bbox == "outside":
        answer["clusters"], answer["features"] = [], []
    elif zoom >= POINTS_ZOOM:
        answer["clusters"] = []
        answer["features"] = geojson.organisation_features(_inside(located, bbox).order_by("id"))["features"]
    else:
        answer["clusters"], answer["features"] = grid_clusters(_inside(located, bbox) if bbox else located, zoom)
    return answer


@require_GET
def organisation_clusters(request):
    """`/api/organisations/clusters.json`: what the map shows at a zoom and a view (see the module's docstring).

    `{"total": n, "index": bool, "bounds": [w, s, e, n], "zoom": z, "clusters": [[lon, lat, count, w, s, e, n]],
    "features": [compact GeoJSON features]}`; `total` and `bounds` are those of the whole filtered set (the
    summary, cached apart); `zoom` only when the server clusters. Once the summary of a selection is known,
    a selection the browser clusters is answered under one key whatever the view.
    """
    zoom, bbox, errors = read_view(request.GET)
    filter_params = request.GET.copy()
    for key in ("zoom", "bbox"):
        filter_params.pop(key, None)
    ignore = [key for key in filter_params if key not in OrganisationFilterSet.base_filters]
    filter_query = normalised_query(filter_params, ignore=ignore)

    def build():
        filterset = OrganisationFilterSet(filter_params)
        if not filterset.is_valid():
            return json_error(errors + filterset.filter_errors())
        if errors:
            return json_error(errors)
        return geojson.dumps(build_view(filterset.qs, zoom, bbox, filter_query))

    if errors:
        return build()
    summary = cached(cache_key("organisation-summary", filter_query))
    if summary is not None and summary["total"] <= INDEX_LIMIT:
        # A selection the browser clusters gets one answer whatever the view: one cache entry, not one per view.
        query = f"index&{filter_query}"
    else:
        snapped = ",".join(map(str, bbox)) if isinstance(bbox, tuple) else bbox or ""
        query = f"{urlencode({'zoom': zoom, 'bbox': snapped})}&{filter_query}"
    return cached_data_response(
        request,
        kind="organisation-clusters",
        build=build,
        content_type="application/json",
        family="directory",
        query=query,
    )
