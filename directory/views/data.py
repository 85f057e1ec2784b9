"""Open data: the organisations as GeoJSON (the map's data source) and CSV, under Licence Ouverte 2.0.

Both read the same FilterSet as the list, so a query string means the same thing everywhere.
Malformed filters answer 400 with a French message, never 500.
"""

import csv
import datetime

from django.core.cache import cache
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.http import require_GET

from directory import geojson
from directory.filters import OrganisationDataFilterSet, OrganisationFilterSet
from directory.models import Organisation

GEOJSON_TYPE = "application/geo+json"
CACHE_CONTROL = "public, max-age=60"


def _bad_request(filterset):
    return JsonResponse(
        {"erreurs": filterset.filter_errors()},
        status=400,
        json_dumps_params={"ensure_ascii": False},
    )


def _not_modified(request, etag, last_modified):
    """RFC 9110 §13.1: If-None-Match wins over If-Modified-Since; ETags compared weakly."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        wanted = etag.removeprefix("W/")
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or wanted in tags
    if_modified_since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return if_modified_since is not None and last_modified <= if_modified_since


def _data_response(request, rendered, *, content_type, etag, last_modified):
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(rendered["gzip"], content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(rendered["body"], content_type=content_type)
    return _with_validators(response, etag, last_modified)


def _with_validators(response, etag, last_modified):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = CACHE_CONTROL
    response["Vary"] = "Accept-Encoding"
    # Open data: any site may read it from a browser (no cookies are involved).
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def organisations_geojson(request):
    """`/api/organisations.geojson`: RFC 7946 FeatureCollection of the published organisations.

    Same filters as the list plus `bbox=west,south,east,north`. Properties are compact: `n` name,
    `k` kind, `c` closed, `m` member of the network; the feature `id` is the slug
    (detail page `/annuaire/<id>/`). Answers 304 to a matching If-None-Match / If-Modified-Since,
    and serves a cached, pre-gzipped body keyed on the normalised query and the data version:
    a cache hit costs no SQL query at all.
    """
    query = geojson.normalised_query(
        request.GET, ignore=[key for key in request.GET if key not in OrganisationDataFilterSet.base_filters]
    )
    version = geojson.data_version()
    etag = geojson.etag_for("organisations", query)
    if _not_modified(request, etag, version["modified"]):
        return _with_validators(HttpResponse(status=304), etag, version["modified"])
    key = geojson.cache_key("organisations", query)
    rendered = cache.get(key)
    if rendered is None:
        filterset = OrganisationDataFilterSet(request.GET.copy())
        if not filterset.is_valid():
            return _bad_request(filterset)
        document = geojson.organisation_features(filterset.qs.order_by())
        rendered = geojson.payload(geojson.dumps(document))
        cache.set(key, rendered, geojson.PAYLOAD_TIMEOUT)
    return _data_response(request, rendered, content_type=GEOJSON_TYPE, etag=etag, last_modified=version["modified"])


CSV_DELIMITER = ";"  # what a French spreadsheet expects (the comma is its decimal separator)
CSV_COLUMNS = [
    "nom",
    "type",
    "forme juridique",
    "SIREN",
    "SIRET",
    "adresse",
    "code postal",
    "commune",
    "code INSEE",
    "département",
    "EPCI",
    "SIREN EPCI",
    "latitude",
    "longitude",
    "position approximative",
    "site web",
    "téléphone",
    "adhérent de l'Apes",
    "adhérent depuis",
    "statut",
    "fermée le",
    "secteurs",
    "thématiques",
    "PTCE",
    "présentation",
    "fiche",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write() returns the line: csv.writer feeds a streaming response."""

    def write(self, value):
        return value


def _cell(value):
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return f"{value:.5f}"
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_rows(request, queryset):
    kinds = dict(Organisation.Kind.choices)
    statuses = dict(Organisation.Status.choices)
    detail_prefix = request.build_absolute_uri(reverse("directory:organisation-list"))
    yield CSV_COLUMNS
    for organisation in queryset:
        commune = organisation.commune
        epci = commune.epci if commune else None
        yield [
            _cell(value)
            for value in (
                organisation.name,
                kinds.get(organisation.kind, organisation.kind),
                organisation.legal_form,
                organisation.siren,
                organisation.siret,
                organisation.address,
                organisation.postal_code,
                commune.name if commune else "",
                commune.insee_code if commune else "",
                commune.department.name if commune else "",
                epci.name if epci else "",
                epci.siren if epci else "",
                organisation.latitude,
                organisation.longitude,
                organisation.location_is_approximate,
                organisation.website,
                organisation.phone,
                organisation.is_member,
                organisation.member_since.isoformat() if organisation.member_since else "",
                statuses.get(organisation.status, organisation.status),
                organisation.closed_on.isoformat() if organisation.closed_on else "",
                " | ".join(sector.name for sector in organisation.sectors.all()),
                " | ".join(theme.name for theme in organisation.themes.all()),
                " | ".join(ptce.name for ptce in organisation.ptces.all()),
                organisation.short_description,
                f"{detail_prefix}{organisation.slug}/",
            )
        ]


@require_GET
def organisations_csv(request):
    """`/annuaire/export.csv`: the filtered list as CSV (UTF-8 with BOM, `;`-separated), streamed.

    Emails are left out on purpose (same protection as on the pages). Queries: one per 2,000 rows
    for the organisations (with commune, department and EPCI joined) plus one each for their sectors,
    themes and PTCEs — never one per organisation.
    """
    filterset = OrganisationFilterSet(request.GET.copy())
    if not filterset.is_valid():
        return _bad_request(filterset)
    ptces = Organisation.objects.published().only("id", "name").order_by("name")
    queryset = (
        filterset.qs.select_related("commune__department", "commune__epci")
        # The EPCI's boundary is the heaviest column joined here and the CSV never prints it:
        # decoding it for every row cost a third of a full export (bench/RESULTS.md).
        .defer("commune__epci__boundary", "search_text")
        .prefetch_related("sectors", "themes", Prefetch("ptces", queryset=ptces))
        .iterator(chunk_size=2000)
    )
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)

    def stream():
        yield "\ufeff"  # BOM: spreadsheets then read the file as UTF-8
        for row in csv_rows(request, queryset):
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    filename = f"annuaire-apes-hauts-de-france-{datetime.date.today().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Licence"] = geojson.LICENCE
    return response
