"""`/donnees/`: the catalogue of the portal's open data, as a page and as DCAT in JSON-LD.

A site page (floor 5) because it lists every app's datasets. Each dataset says what it holds, its licence,
its last update, its schema, its filters and an example; the JSON-LD says the same in DCAT terms
(dcat:Catalog / dcat:Dataset / dcat:Distribution), the vocabulary data.gouv.fr-style harvesters read.
Last updates: each family's data version (core.data), the same moment every process and every ETag
agree on; one read of the version table serves them all.
"""

import json

from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from core.data import ATTRIBUTION, LICENCE, LICENCE_URL, cached_data_response, last_modified
from directory.filters import OrganisationFilterSet
from directory.schema import SCHEMA_VERSION

ORGANISATION_EXAMPLE = "?departement=02&adherent=oui"
# The families whose last update the datasets give (`_modified`): the catalogue's version combines them.
CATALOGUE_FAMILIES = ("directory", "territories", "publications")


def _organisation_filters():
    return [
        {"name": name, "label": filter_.label}
        for name, filter_ in OrganisationFilterSet.base_filters.items()
        if name != "sort"
    ]


def _modified(family):
    """When the family's public data last changed, in local time."""
    assert family in CATALOGUE_FAMILIES, f"{family!r} is missing from CATALOGUE_FAMILIES"
    return timezone.localtime(last_modified(family))


def _distribution(absolute, url_name, title, format_, media_type, example_query="", schema=None):
    """One format of a dataset: its address, and an example query when one shows what it accepts."""
    url = absolute(reverse(url_name))
    distribution = {"title": title, "format": format_, "media_type": media_type, "url": url, "schema": schema}
    return {**distribution, "example": url + example_query if example_query else ""}


def datasets(request):
    """The catalogue's datasets, each a dict the page and the JSON-LD both read."""
    absolute = request.build_absolute_uri
    schema_url = absolute(reverse("directory:organisation-schema", args=[SCHEMA_VERSION]))
    return [
        {
            "slug": "organisations",
            "title": "Annuaire des acteurs de l'économie solidaire",
            "description": (
                "Les structures publiées dans l'annuaire : adhérents, collectivités partenaires, PTCE, structures "
                "d'accompagnement. Nom, type, codes SIREN et SIRET, adresse, commune et codes officiels, position, "
                "secteurs et thématiques, adhésion au réseau. Les courriels ne sont jamais exportés."
            ),
            "modified": _modified("directory"),
            "schema": schema_url,
            "filters": _organisation_filters(),
            "filters_note": (
                "La requête de l'annuaire s'applique à chaque format : une adresse copiée de /annuaire/ donne les "
                "mêmes structures. Un paramètre inconnu est refusé (erreur 400 avec la liste des paramètres admis)."
            ),
            "distributions": [
                _distribution(
                    absolute,
                    "directory:organisation-export-csv",
                    "CSV (séparateur point-virgule, UTF-8)",
                    "CSV",
                    "text/csv",
                    ORGANISATION_EXAMPLE,
                    schema=schema_url,
                ),
                _distribution(
                    absolute,
                    "directory:organisation-open-geojson",
                    "GeoJSON lisible (noms de champs du schéma ; accepte aussi bbox=ouest,sud,est,nord)",
                    "GeoJSON",
                    "application/geo+json",
                    ORGANISATION_EXAMPLE,
                    schema=schema_url,
                ),
                _distribution(
                    absolute,
                    "directory:organisation-gogocarto",
                    "Flux GoGoCarto / Transiscope (JSON, accepte aussi bounds=ouest,sud,est,nord)",
                    "JSON",
                    "application/json",
                    "?bounds=2.9,50.5,3.2,50.7",
                ),
                _distribution(
                    absolute,
                    "directory:organisation-geojson",
                    "GeoJSON compact de la carte (clés d'une lettre, pour l'affichage)",
                    "GeoJSON",
                    "application/geo+json",
                    "?bbox=2.9,50.5,3.2,50.7",
                ),
            ],
        },
        {
            "slug": "epci",
            "title": "Contours des intercommunalités (EPCI) et partenariats",
            "description": (
                "Les EPCI des Hauts-de-France avec leur contour (issu du Code officiel géographique), leur "
                "population, leur département et leur partenariat éventuel avec l'Apes."
            ),
            "modified": _modified("territories"),
            "distributions": [
                _distribution(absolute, "territories:epci-geojson", "GeoJSON", "GeoJSON", "application/geo+json"),
            ],
        },
        {
            "slug": "dynamiques",
            "title": "Dynamiques territoriales",
            "description": (
                "Les dynamiques territoriales suivies par le réseau, classées dans ses neuf thématiques, placées "
                "sur leur commune ou leur intercommunalité."
            ),
            "modified": _modified("territories"),
            "distributions": [
                _distribution(absolute, "territories:dynamic-geojson", "GeoJSON", "GeoJSON", "application/geo+json"),
            ],
        },
        {
            "slug": "publications",
            "title": "Publications de l'Apes",
            "description": "Les carnets de l'Apes, ses plaidoyers et les études publiées, les plus récents d'abord.",
            "modified": _modified("publications"),
            "distributions": [
                _distribution(absolute, "publications:publication-feed", "Flux Atom", "Atom", "application/atom+xml"),
            ],
        },
    ]


class OpenDataView(TemplateView):
    template_name = "pages/open_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["datasets"] = datasets(self.request)
        context["licence"] = LICENCE
        context["licence_url"] = LICENCE_URL
        return context


@require_GET
def dcat_catalogue(request):
    """`/donnees/catalogue.jsonld`: the catalogue in DCAT (JSON-LD), on the version of every family it describes.

    Built once per data version and site address (its URLs are absolute): a cache hit or a 304 builds nothing.
    """
    return cached_data_response(
        request,
        kind="dcat",
        build=lambda: json.dumps(dcat_document(request), ensure_ascii=False, indent=2).encode(),
        content_type="application/ld+json",
        family=CATALOGUE_FAMILIES,
        query=request.build_absolute_uri("/"),
    )


def dcat_document(request):
    page = request.build_absolute_uri(reverse("open-data"))
    publisher = {"@type": "foaf:Organization", "foaf:name": ATTRIBUTION}
    entries = []
    for dataset in datasets(request):
        entry = {
            "@id": f"{page}#{dataset['slug']}",
            "@type": "dcat:Dataset",
            "dct:identifier": dataset["slug"],
            "dct:title": dataset["title"],
            "dct:description": dataset["description"],
            "dct:license": LICENCE_URL,
            "dct:publisher": publisher,
            "dct:spatial": "Hauts-de-France",
            "dct:language": "fr",
            "dcat:landingPage": f"{page}#{dataset['slug']}",
            "dcat:distribution": [
                {
                    "@type": "dcat:Distribution",
                    "dct:title": distribution["title"],
                    "dct:format": distribution["format"],
                    "dcat:mediaType": distribution["media_type"],
                    "dcat:accessURL": distribution["url"],
                    "dcat:downloadURL": distribution["url"],
                    "dct:license": LICENCE_URL,
                    **({"dct:conformsTo": distribution["schema"]} if distribution.get("schema") else {}),
                }
                for distribution in dataset["distributions"]
            ],
        }
        entry["dct:modified"] = dataset["modified"].isoformat()
        entries.append(entry)
    document = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@id": page,
        "@type": "dcat:Catalog",
        "dct:title": "Données ouvertes de l'Apes Hauts-de-France",
        "dct:language": "fr",
        "dct:license": LICENCE_URL,
        "dct:publisher": publisher,
        "dcat:dataset": entries,
    }
    return document
