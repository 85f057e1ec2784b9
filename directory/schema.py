"""The organisations' open-data columns, once: the CSV header, the readable GeoJSON properties and the Table Schema.

Each column has a snake_case ASCII name a reuser can type, its French label as `title`, a Table Schema type
and, for codes, a pattern. Names follow the data·inclusion *structure* schema where the meaning is the same
(`nom`, `siret`, `commune`, `code_postal`, `code_insee`, `adresse`, `longitude`, `latitude`, `telephone`,
`site_web`, `presentation_resume`, `lien_source`, `date_maj`); docs/open-data.md gives the mapping. The
e-mail (`courriel` there) is never exported: the pages reveal it on request only.

`SCHEMA_VERSION` follows semantic versioning: renaming or retyping a column is a major version, adding one a
minor version. Every published version stays served at its own URL (`schema_document(version)`).
"""

from dataclasses import dataclass, field

from django.utils import timezone

from core.data import LICENCE, LICENCE_URL
from directory.models import Organisation
from directory.models.catalogue import POSTAL_CODE_PATTERN, SIREN_PATTERN, SIRET_PATTERN
from directory.taxonomy import taxonomy

SCHEMA_VERSION = "1.0.0"
SCHEMA_VERSIONS = (SCHEMA_VERSION,)
SCHEMA_NAME = "apes-hdf-organisations"
SCHEMA_CREATED = "2026-12-01"

INSEE_CODE = r"^(?:[0-9]{2}|2A|2B)[0-9]{3}$"


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    type: str
    description: str
    constraints: dict = field(default_factory=dict)
    format: str = ""
    example: str = ""

    def descriptor(self):
        descriptor = {"name": self.name, "title": self.title, "description": self.description, "type": self.type}
        if self.format:
            descriptor["format"] = self.format
        if self.type == "boolean":
            descriptor["trueValues"] = ["oui"]
            descriptor["falseValues"] = ["non"]
        if self.example:
            descriptor["example"] = self.example
        if self.constraints:
            descriptor["constraints"] = self.constraints
        return descriptor


def _labels(choices):
    return [label for _, label in choices]


COLUMNS = (
    Column(
        "id",
        "Identifiant",
        "string",
        "Identifiant stable de la structure dans l'annuaire (la fin de l'adresse de sa fiche).",
        {"required": True, "unique": True, "pattern": r"^[-a-z0-9_]+$"},
        example="maison-du-velo",
    ),
    Column("nom", "Nom", "string", "Nom usuel de la structure.", {"required": True}, example="La Maison du Vélo"),
    Column(
        "type",
        "Type de structure",
        "string",
        "Catégorie de la structure dans l'annuaire de l'Apes.",
        {"required": True, "enum": _labels(Organisation.Kind.choices)},
        example="Association",
    ),
    Column("forme_juridique", "Forme juridique", "string", "Forme juridique déclarée, en clair.", example="SCIC"),
    Column("siren", "SIREN", "string", "Numéro SIREN de l'unité légale (9 chiffres).", {"pattern": SIREN_PATTERN}),
    Column("siret", "SIRET", "string", "Numéro SIRET de l'établissement (14 chiffres).", {"pattern": SIRET_PATTERN}),
    Column("adresse", "Adresse", "string", "Numéro et voie, sans le code postal ni la commune."),
    Column(
        "code_postal",
        "Code postal",
        "string",
        "Code postal sur 5 caractères (le zéro initial de l'Aisne est gardé).",
        {"pattern": POSTAL_CODE_PATTERN},
        example="02100",
    ),
    Column("commune", "Commune", "string", "Nom officiel de la commune (COG).", example="Valenciennes"),
    Column(
        "code_insee",
        "Code INSEE de la commune",
        "string",
        "Code officiel géographique de la commune, 5 caractères.",
        {"pattern": INSEE_CODE},
        example="59606",
    ),
    Column("departement", "Département", "string", "Nom du département de la commune.", example="Nord"),
    Column("epci", "Intercommunalité (EPCI)", "string", "Nom de l'EPCI à fiscalité propre de la commune."),
    Column(
        "siren_epci", "SIREN de l'EPCI", "string", "Numéro SIREN de l'EPCI (9 chiffres).", {"pattern": SIREN_PATTERN}
    ),
    Column(
        "latitude",
        "Latitude",
        "number",
        "Latitude en degrés décimaux (WGS 84), 5 décimales.",
        {"minimum": -90, "maximum": 90},
    ),
    Column(
        "longitude",
        "Longitude",
        "number",
        "Longitude en degrés décimaux (WGS 84), 5 décimales.",
        {"minimum": -180, "maximum": 180},
    ),
    Column(
        "position_approximative",
        "Position approximative",
        "boolean",
        "« oui » quand le point est le centre de la commune et non l'adresse exacte.",
    ),
    Column("site_web", "Site web", "string", "Adresse du site de la structure.", format="uri"),
    Column("telephone", "Téléphone", "string", "Numéro de téléphone public."),
    Column("adherent_apes", "Adhérent de l'Apes", "boolean", "« oui » si la structure adhère au réseau."),
    Column("adherent_depuis", "Adhérent depuis", "date", "Date d'adhésion au réseau (AAAA-MM-JJ)."),
    Column(
        "statut",
        "Statut",
        "string",
        "En activité ou fermée.",
        {"required": True, "enum": _labels(Organisation.Status.choices)},
    ),
    Column("date_fermeture", "Fermée le", "date", "Date de fermeture (AAAA-MM-JJ), si la structure a fermé."),
    Column("secteurs", "Secteurs d'activité", "string", "Secteurs d'activité, séparés par « | »."),
    Column("thematiques", "Thématiques de l'Apes", "string", "Thématiques du réseau, séparées par « | »."),
    Column("ptce", "PTCE", "string", "Pôles territoriaux de coopération économique dont elle est membre, « | »."),
    Column("presentation_resume", "Présentation courte", "string", "Présentation en une ou deux phrases."),
    Column(
        "lien_source",
        "Fiche dans l'annuaire",
        "string",
        "Adresse de la fiche publique de la structure sur le portail de l'Apes.",
        {"required": True},
        format="uri",
    ),
    Column("date_maj", "Dernière mise à jour", "date", "Date de la dernière modification de la fiche (AAAA-MM-JJ)."),
)
COLUMN_NAMES = [column.name for column in COLUMNS]


def organisation_record(organisation, detail_prefix, kinds, statuses, tables):
    """The columns' values for one organisation, typed (bool, float, ISO date string), in `COLUMNS` order.

    The organisation comes from `directory.views.data.export_queryset`: its commune joined, its `sector_list`,
    `theme_list` and `ptce_list`; department and EPCI are read in `tables` (`directory.taxonomy.taxonomy()`).
    """
    commune = organisation.commune
    epci = tables.epcis.get(commune.epci_id) if commune else None
    return (
        organisation.slug,
        organisation.name,
        kinds.get(organisation.kind, organisation.kind),
        organisation.legal_form,
        organisation.siren,
        organisation.siret,
        organisation.address,
        organisation.postal_code,
        commune.name if commune else "",
        commune.insee_code if commune else "",
        tables.departments[commune.department_id].name if commune else "",
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
        " | ".join(sector.name for sector in organisation.sector_list),
        " | ".join(theme.name for theme in organisation.theme_list),
        " | ".join(ptce.name for ptce in organisation.ptce_list),
        organisation.short_description,
        f"{detail_prefix}{organisation.slug}/",
        timezone.localdate(organisation.updated_at).isoformat(),
    )


def organisation_records(queryset, detail_prefix):
    """(organisation, values) for each organisation of a queryset prepared as `organisation_record` expects."""
    kinds = dict(Organisation.Kind.choices)
    statuses = dict(Organisation.Status.choices)
    tables = taxonomy()
    for organisation in queryset:
        yield organisation, organisation_record(organisation, detail_prefix, kinds, statuses, tables)


def schema_document(version, *, homepage, schema_url):
    """The Table Schema descriptor, as schema.data.gouv.fr publishes them (frictionless Table Schema v1)."""
    if version not in SCHEMA_VERSIONS:
        raise KeyError(version)
    return {
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "name": SCHEMA_NAME,
        "title": "Annuaire des acteurs de l'économie solidaire en Hauts-de-France (Apes)",
        "description": (
            "Structures de l'annuaire de l'Apes Hauts-de-France : adhérents, collectivités partenaires, PTCE et "
            "structures d'accompagnement, avec leur adresse, leur position et leurs codes officiels. Fichier CSV "
            "en UTF-8 (avec BOM), séparé par des points-virgules."
        ),
        "countryCode": "FR",
        "homepage": homepage,
        "path": schema_url,
        "version": version,
        "created": SCHEMA_CREATED,
        "lastModified": SCHEMA_CREATED,
        "licenses": [{"title": LICENCE, "path": LICENCE_URL, "name": "etalab-2.0"}],
        "contributors": [{"title": "Apes Hauts-de-France", "role": "author"}],
        "missingValues": [""],
        "primaryKey": "id",
        "fields": [column.descriptor() for column in COLUMNS],
    }
