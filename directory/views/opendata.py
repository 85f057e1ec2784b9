"""Open data for reusers, under Licence Ouverte 2.0: readable GeoJSON, a GoGoCarto feed and the Table Schema.

The map keeps its compact feed (`/api/organisations.geojson`, one-letter keys, see directory/geojson.py);
these endpoints speak in the schema's column names (directory/schema.py), so a reuser reads the same
words in the CSV, the GeoJSON and the schema. They accept the directory's query string, like the CSV.
Unlike the map's feed they refuse what they do not know: an unknown parameter or format is a 400 that
lists the accepted values, so a typo never passes for an empty filter.
"""

from django.urls import reverse
from django.views.decorators.http import require_GET

from core.data import ATTRIBUTION, LICENCE, LICENCE_URL, cached_data_response, normalised_query
from core.views import json_error
from directory import geojson
from directory.filters import OrganisationDataFilterSet, OrganisationFeedFilterSet
from directory.schema import COLUMN_NAMES, SCHEMA_VERSION, SCHEMA_VERSIONS, organisation_records, schema_document
from directory.views.data import GEOJSON_TYPE, detail_prefix, export_queryset, organisations_csv

# Ignored on purpose: a query string copied from a page of the list keeps working.
IGNORED_PARAMETERS = ("page",)
GOGOCARTO_CATEGORY_MEMBER = "Adhérent de l'Apes"
GOGOCARTO_SOURCE = "Apes Hauts-de-France"


def _refuse_unknown(request, filterset_class):
    """A 400 naming the accepted parameters when the query string holds one this endpoint does not know."""
    accepted = sorted([*filterset_class.base_filters, *IGNORED_PARAMETERS])
    unknown = sorted(key for key in request.GET if key not in accepted)
    if not unknown:
        return None
    return json_error([f"Paramètre inconnu : « {key} »." for key in unknown], parametres_acceptes=accepted)


def _filtered(request, filterset_class, *, kind, content_type, build_document):
    """Validate the query string, then answer from the cache keyed on the data version and the query."""
    refused = _refuse_unknown(request, filterset_class)
    if refused:
        return refused

    def build():
        filterset = filterset_class(request.GET.copy())
        if not filterset.is_valid():
            return json_error(filterset.filter_errors())
        return geojson.dumps(build_document(export_queryset(filterset.qs.located())))

    return cached_data_response(
        request,
        kind=kind,
        build=build,
        content_type=content_type,
        family="directory",
        # The documents hold absolute links: the host is part of what they say.
        query=f"{request.get_host()}?{normalised_query(request.GET, ignore=IGNORED_PARAMETERS)}",
    )


GEOJSON_SKIPPED = {"latitude", "longitude"}  # carried by the geometry


@require_GET
def organisations_geojson(request):
    """`/donnees/organisations.geojson`: the located organisations, properties named as the CSV's columns.

    Empty values are `null`, booleans are JSON booleans, dates ISO 8601; `lien_source` is the page and
    `date_maj` its last modification. Queries: the organisations, then their sectors, themes and PTCEs.
    """

    def document(queryset):
        features = []
        for organisation, values in organisation_records(queryset, detail_prefix(request)):
            properties = {
                name: (value if value != "" else None)
                for name, value in zip(COLUMN_NAMES, values, strict=True)
                if name not in GEOJSON_SKIPPED
            }
            features.append(
                {
                    "type": "Feature",
                    "id": organisation.slug,
                    "geometry": {
                        "type": "Point",
                        "coordinates": [
                            round(organisation.longitude, geojson.COORDINATE_DECIMALS),
                            round(organisation.latitude, geojson.COORDINATE_DECIMALS),
                        ],
                    },
                    "properties": properties,
                }
            )
        return {
            "type": "FeatureCollection",
            "name": "organisations",
            "licence": LICENCE,
            "attribution": ATTRIBUTION,
            "features": features,
        }

    return _filtered(
        request,
        OrganisationDataFilterSet,
        kind="organisations-open",
        content_type=GEOJSON_TYPE,
        build_document=document,
    )


def gogocarto_element(organisation, values):
    """One element as GoGoCarto's JSON import reads it (docs/open-data.md lists the fields)."""
    record = dict(zip(COLUMN_NAMES, values, strict=True))
    categories = [record["type"]]
    categories += [sector.name for sector in organisation.sector_list]
    categories += [theme.name for theme in organisation.theme_list]
    if organisation.is_member:
        categories.append(GOGOCARTO_CATEGORY_MEMBER)
    return {
        "id": f"apes-hdf-{organisation.pk}",
        "name": organisation.name,
        "geo": {
            "latitude": round(organisation.latitude, geojson.COORDINATE_DECIMALS),
            "longitude": round(organisation.longitude, geojson.COORDINATE_DECIMALS),
        },
        "address": {
            "streetAddress": organisation.address,
            "addressLocality": record["commune"],
            "postalCode": organisation.postal_code,
            "addressCountry": "FR",
        },
        "categories": categories,
        "description": organisation.short_description,
        "website": organisation.website,
        "url": record["lien_source"],
        "updatedAt": organisation.updated_at.isoformat(),
        "sourceKey": GOGOCARTO_SOURCE,
    }


@require_GET
def organisations_gogocarto(request):
    """`/donnees/organisations.gogocarto.json`: `{"licence", "data": [...]}` for GoGoCarto / Transiscope imports.

    The `id` is built on the primary key, so it survives a rename: a scheduled import updates the element,
    and deletes it once the organisation is unpublished. `bounds=W,S,E,N` keeps a box.
    """

    def document(queryset):
        return {
            "licence": LICENCE,
            "licenceUrl": LICENCE_URL,
            "attribution": ATTRIBUTION,
            "data": [
                gogocarto_element(organisation, values)
                for organisation, values in organisation_records(queryset, detail_prefix(request))
            ],
        }

    return _filtered(
        request,
        OrganisationFeedFilterSet,
        kind="organisations-gogocarto",
        content_type="application/json",
        build_document=document,
    )


FORMATS = {
    "csv": organisations_csv,
    "geojson": organisations_geojson,
    "gogocarto.json": organisations_gogocarto,
}


@require_GET
def organisations_any(request, extension):
    """`/donnees/organisations.<extension>`: one of FORMATS, or a 400 that lists them."""
    view = FORMATS.get(extension)
    if view is None:
        return json_error(
            [f"Format inconnu : « {extension} »."], formats_acceptes=[f"organisations.{name}" for name in FORMATS]
        )
    return view(request)


@require_GET
def organisations_schema(request, version=SCHEMA_VERSION):
    """`/donnees/schemas/organisations/<version>/schema.json`: the Table Schema of the CSV; each version stays."""
    if version not in SCHEMA_VERSIONS:
        return json_error([f"Version inconnue : « {version} »."], status=404, versions_acceptees=list(SCHEMA_VERSIONS))
    schema_url = request.build_absolute_uri(reverse("directory:organisation-schema", args=[version]))

    def build():
        return geojson.dumps(
            schema_document(version, homepage=request.build_absolute_uri(reverse("open-data")), schema_url=schema_url)
        )

    return cached_data_response(
        request,
        kind="organisations-schema",
        build=build,
        content_type="application/json",
        token=f"schema-{version}",
        query=request.get_host(),
    )
