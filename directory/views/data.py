"""Open data: the organisations as GeoJSON (the map's data source) and CSV, under Licence Ouverte 2.0.

Both read the same FilterSet as the list, so a query string means the same thing everywhere.
Malformed filters answer 400 with a French message, never 500.
"""

import csv
import json
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.data import LICENCE, cached_data_response, normalised_query
from core.views import json_error
from directory import geojson
from directory.filters import OrganisationDataFilterSet, OrganisationFilterSet
from directory.schema import COLUMN_NAMES, organisation_records
from directory.taxonomy import with_links
from territories.models import Commune

#: At most this many suggestions per keystroke (a datalist shows a handful anyway).
COMMUNE_SUGGESTIONS = 10

GEOJSON_TYPE = "application/geo+json"


@require_GET
def organisations_geojson(request):
    """`/api/organisations.geojson`: RFC 7946 FeatureCollection of the published organisations.

    Same filters as the list plus `bbox=west,south,east,north`. Properties are compact: `n` name,
    `k` kind, `c` closed, `m` member of the network; the feature `id` is the slug
    (detail page `/annuaire/<id>/`). Answers 304 to a matching If-None-Match / If-Modified-Since,
    and serves a cached, pre-gzipped body keyed on the normalised query and the data version:
    a cache hit costs no SQL query at all.
    """

    def build():
        filterset = OrganisationDataFilterSet(request.GET.copy())
        if not filterset.is_valid():
            return json_error(filterset.filter_errors())
        return geojson.organisation_collection_bytes(filterset.qs.order_by())

    query = normalised_query(
        request.GET, ignore=[key for key in request.GET if key not in OrganisationDataFilterSet.base_filters]
    )
    return cached_data_response(
        request, kind="organisations", build=build, content_type=GEOJSON_TYPE, family="directory", query=query
    )


CSV_DELIMITER = ";"  # what a French spreadsheet expects (the comma is its decimal separator)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write() returns the line: csv.writer feeds a streaming response."""

    def write(self, value):
        return value


def spreadsheet_cell(value):
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    if type(value) is str:  # most cells: tested first, a full export writes millions of them
        return "'" + value if value.startswith(_FORMULA_START) else value
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
    """The header (the schema's column names) then one row per organisation."""
    yield COLUMN_NAMES
    for _, values in organisation_records(queryset, detail_prefix(request)):
        yield [spreadsheet_cell(value) for value in values]


def detail_prefix(request):
    """The absolute URL of the list: a detail page is this plus `<slug>/`."""
    return request.build_absolute_uri(reverse("directory:organisation-list"))


EXPORT_CHUNK = 2000
# The columns the exports print (directory/schema.py, the GoGoCarto elements): the others (long description,
# contact and SIRENE fields, search columns, timestamps) cost a third of each row's reading at 200,000 rows.
EXPORT_FIELDS = (
    *("slug", "name", "kind", "legal_form", "siren", "siret", "address", "postal_code", "short_description"),
    *("latitude", "longitude", "location_is_approximate", "website", "phone", "is_member", "member_since"),
    *("status", "closed_on", "updated_at"),
    *("commune__name", "commune__insee_code", "commune__department_id", "commune__epci_id"),
)


def export_queryset(queryset):
    """The organisations of `queryset`, in primary-key order, with what `directory.schema.organisation_record`
    reads: two queries per chunk of 2,000 rows, whatever the number of links. The rows with their commune and
    only the printed columns, read by key (`pk > last`, served by the primary key's index at any depth); then
    the sectors, themes and PTCEs of the chunk's key range (`directory.taxonomy.with_links`); department and
    EPCI come from the taxonomy too.

    Why: prefetching the three relations built a related manager and a queryset per organisation and
    relation, half of a full export; then an `IN` of the chunk's 2,000 ids cost Django about 100 ms per
    chunk. At 200,000 organisations the full file went over gunicorn's 30-second worker timeout and was cut
    (bench/RESULTS-misses.md). A stable key order also lets a consumer compare two exports line by line.
    """
    rows = queryset.select_related("commune").only(*EXPORT_FIELDS).order_by("pk")
    last = None
    while chunk := list((rows if last is None else rows.filter(pk__gt=last))[:EXPORT_CHUNK]):
        last = chunk[-1].pk
        yield from with_links(chunk, "sectors", "themes", "ptces", id_range=(chunk[0].pk, last))
        if len(chunk) < EXPORT_CHUNK:
            return  # the last chunk: no query to learn that nothing follows


@require_GET
def organisations_csv(request):
    """`/annuaire/export.csv`: the filtered list as CSV (UTF-8 with BOM, `;`-separated), streamed.

    Emails are left out on purpose (same protection as on the pages). Queries: one per 2,000 rows
    for the organisations (with commune, department and EPCI joined) plus one each for their sectors,
    themes and PTCEs — never one per organisation. Revalidated on the data version like the GeoJSON.
    """

    def build():
        filterset = OrganisationFilterSet(request.GET.copy())
        if not filterset.is_valid():
            return json_error(filterset.filter_errors())
        queryset = export_queryset(filterset.qs)
        writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)

        def stream():
            yield "\ufeff"  # BOM: spreadsheets then read the file as UTF-8
            for row in csv_rows(request, queryset):
                yield writer.writerow(row)

        return stream()

    response = cached_data_response(
        request,
        kind="organisations-csv",
        build=build,
        content_type="text/csv; charset=utf-8",
        family="directory",
        # The rows hold absolute links: the host is part of what the file says.
        query=f"{request.get_host()}?{normalised_query(request.GET)}",
        stream=True,
        filename=f"annuaire-apes-hauts-de-france-{timezone.localdate().isoformat()}.csv",
    )
    if response.status_code == 200:
        response["X-Content-Licence"] = LICENCE
    return response


@require_GET
def commune_suggestions(request):
    """`/api/communes.json?q=len`: communes for the commune filter's suggestions, best first.

    Exact names first, then names that start with the text, then names that contain it; digits match postal
    codes, then INSEE codes. Each suggestion has the `label` to put in the field ("Lens (62300)"), which the
    filter reads back as the commune (`Commune.objects.lookup` understands "Nom (code postal)").
    """
    text = request.GET.get("q", "")[:100]

    def build():
        communes = Commune.objects.select_related("department").only(
            "name", "insee_code", "postal_codes", "population", "department__name", "department__code"
        )
        suggestions = [
            {
                "nom": commune.name,
                "code_insee": commune.insee_code,
                "codes_postaux": commune.postal_codes,
                "departement": commune.department.name,
                "label": f"{commune.name} ({commune.postal_codes[0] if commune.postal_codes else commune.insee_code})",
            }
            for commune in communes.suggest(text, limit=COMMUNE_SUGGESTIONS)
        ]
        return json.dumps({"communes": suggestions}, ensure_ascii=False).encode()

    # Versioned on the geography: a keystroke already asked for is a cache hit or a 304, not a query.
    return cached_data_response(
        request,
        kind="commune-suggestions",
        build=build,
        content_type="application/json",
        family="territories",
        query=urlencode({"q": text}),
    )
