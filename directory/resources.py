"""Import and export of organisations (django-import-export), CSV and XLSX, with French column names.

The columns are documented in docs/admin.md. Rows are matched to existing organisations, in this order, by
SIRET or SIREN, then by name (folded: case, accents, punctuation, spaces) in the same commune, then by slug; a
row that matches several organisations is refused with their links, so an import never publishes a second copy
of a record. Unchanged rows are skipped (no save, no history), so importing the same file twice is a no-op.
Communes are matched by INSEE code, or by name and postal code. Every problem is reported on its row, in French,
and the whole file is refused until it is fixed.
"""

import copy

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from import_export import fields, resources, widgets
from import_export.results import RowResult

from core.data import bumps_collected
from core.text import compact, normalize
from directory.communes import CommuneNotFound, commune_from
from directory.models import Organisation, Sector
from directory.moderation import duplicates_html, find_duplicates, unique_slug

#: A cell starting with one of these is a spreadsheet formula: refused, never stored (it would run on export).
FORMULA_PREFIXES = ("=", "@")


class FrenchBooleanWidget(widgets.BooleanWidget):
    """Reads oui/non, vrai/faux, 1/0, true/false (any case); writes "oui"/"non"."""

    TRUE_WORDS = {"oui", "o", "vrai", "true", "1", "x"}
    FALSE_WORDS = {"non", "n", "faux", "false", "0"}

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip().lower() if value is not None else ""
        if text == "":
            return None
        if text in self.TRUE_WORDS:
            return True
        if text in self.FALSE_WORDS:
            return False
        raise ValueError(f"« {value} » n'est pas compris : écrivez oui ou non.")

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "oui" if value else "non"


class ChoiceWidget(widgets.Widget):
    """Accepts a choice's stored value or its French label; writes the stored value."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices
        self.lookup = {}
        for value, label in choices:
            self.lookup[str(value).lower()] = value
            self.lookup[str(label).lower()] = value

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip().lower()
        if text == "":
            return None
        if text in self.lookup:
            return self.lookup[text]
        accepted = ", ".join(str(v) for v, _ in self.choices)
        raise ValueError(f"« {value} » n'est pas une valeur possible ({accepted}).")

    def render(self, value, obj=None, **kwargs):
        return value or ""


class BlankAsEmptyCharWidget(widgets.CharWidget):
    """Empty cells become "" (our text columns are NOT NULL); numbers read by spreadsheets lose their ".0"."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()


class FrenchDateWidget(widgets.DateWidget):
    def __init__(self):
        super().__init__(format="%Y-%m-%d")
        self.formats = ("%Y-%m-%d", "%d/%m/%Y")

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(f"« {value} » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA).") from None


class SectorsWidget(widgets.ManyToManyWidget):
    """Sector slugs separated by ";" — an unknown slug is an error, never silently dropped."""

    def __init__(self):
        super().__init__(Sector, separator=";", field="slug")

    def clean(self, value, row=None, **kwargs):
        slugs = [slug.strip() for slug in str(value or "").split(self.separator) if slug.strip()]
        sectors = list(Sector.objects.filter(slug__in=slugs))
        unknown = sorted(set(slugs) - {sector.slug for sector in sectors})
        if unknown:
            raise ValueError(f"Secteur(s) inconnu(s) : {', '.join(unknown)}.")
        return sectors


def text_field(attribute, column):
    return fields.Field(attribute=attribute, column_name=column, widget=BlankAsEmptyCharWidget())


def keep_when_blank(attribute, column, widget):
    """A column where an empty cell keeps the current value (the model default for a new row)."""
    return fields.Field(attribute=attribute, column_name=column, widget=widget, saves_null_values=False)


class OrganisationResource(resources.ModelResource):
    slug = text_field("slug", "slug")
    name = text_field("name", "nom")
    kind = keep_when_blank("kind", "type", ChoiceWidget(Organisation.Kind.choices))
    legal_form = text_field("legal_form", "forme_juridique")
    siren = text_field("siren", "siren")
    siret = text_field("siret", "siret")
    short_description = text_field("short_description", "presentation_courte")
    description = text_field("description", "presentation")
    sectors = fields.Field(attribute="sectors", column_name="secteurs", widget=SectorsWidget())
    address = text_field("address", "adresse")
    postal_code = text_field("postal_code", "code_postal")
    # Read by import_instance() to find the commune; written from the commune on export.
    commune_insee = fields.Field(attribute=None, column_name="code_insee", dehydrate_method="dehydrate_commune_insee")
    commune_name = fields.Field(attribute=None, column_name="commune", dehydrate_method="dehydrate_commune_name")
    latitude = fields.Field(attribute="latitude", column_name="latitude", widget=widgets.FloatWidget())
    longitude = fields.Field(attribute="longitude", column_name="longitude", widget=widgets.FloatWidget())
    email = text_field("email", "courriel")
    phone = text_field("phone", "telephone")
    website = text_field("website", "site_web")
    is_member = keep_when_blank("is_member", "adherent", FrenchBooleanWidget())
    member_since = fields.Field(attribute="member_since", column_name="adherent_depuis", widget=FrenchDateWidget())
    charter_signed_on = fields.Field(
        attribute="charter_signed_on", column_name="charte_signee_le", widget=FrenchDateWidget()
    )
    status = keep_when_blank("status", "statut", ChoiceWidget(Organisation.Status.choices))
    closed_on = fields.Field(attribute="closed_on", column_name="fermee_le", widget=FrenchDateWidget())
    is_published = keep_when_blank("is_published", "publiee", FrenchBooleanWidget())

    class Meta:
        model = Organisation
        fields = (
            "slug",
            "name",
            "kind",
            "legal_form",
            "siren",
            "siret",
            "short_description",
            "description",
            "sectors",
            "address",
            "postal_code",
            "commune_insee",
            "commune_name",
            "latitude",
            "longitude",
            "email",
            "phone",
            "website",
            "is_member",
            "member_since",
            "charter_signed_on",
            "status",
            "closed_on",
            "is_published",
        )
        import_id_fields = ()  # matching is done by get_instance(): SIRET/SIREN, name in the commune, slug
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        store_instance = True  # after_import_row() needs the instance to look for near duplicates

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._communes = {}  # one lookup per distinct (INSEE code, name, postal code) of the file
        self._organisations_in = {}  # commune pk -> {pk: organisation}, see organisations_in()
        self.duplicate_warnings = []

    def import_data_inner(self, *args, **kwargs):
        # Inside import_data()'s transaction: one data-version bump for the file, not one per saved row.
        with bumps_collected():
            return super().import_data_inner(*args, **kwargs)

    # -- export ---------------------------------------------------------------------------------

    def get_queryset(self):
        return Organisation.objects.select_related("commune").prefetch_related("sectors")

    def export(self, queryset=None, **kwargs):
        # The admin passes its changelist queryset: add what the commune and sector columns read.
        if queryset is not None and hasattr(queryset, "prefetch_related"):
            queryset = queryset.select_related("commune").prefetch_related("sectors")
        return super().export(queryset, **kwargs)

    def dehydrate_commune_insee(self, organisation):
        return organisation.commune.insee_code if organisation.commune_id else ""

    def dehydrate_commune_name(self, organisation):
        return organisation.commune.name if organisation.commune_id else ""

    def dehydrate_sectors(self, organisation):
        return ";".join(sector.slug for sector in organisation.sectors.all())

    # -- import ---------------------------------------------------------------------------------

    @staticmethod
    def _cell(row, column):
        value = row.get(column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def row_commune(self, row):
        """The row's commune, or raise CommuneNotFound (cached: a file repeats the same towns)."""
        key = (self._cell(row, "code_insee"), self._cell(row, "commune"), self._cell(row, "code_postal"))
        if key not in self._communes:
            try:
                self._communes[key] = commune_from(insee_code=key[0], name=key[1], postal_code=key[2])
            except CommuneNotFound as exc:
                self._communes[key] = exc
        found = self._communes[key]
        if isinstance(found, CommuneNotFound):
            raise found
        return found

    def organisations_in(self, commune_id):
        """The commune's organisations (id, name, slug, siren), read once per import: matches() and the
        near-duplicate check of every row share them; do_instance_save() keeps them in step with the rows saved.

        Copies are handed out, as a match becomes the row's instance and the import changes it before validation.
        """
        if commune_id not in self._organisations_in:
            same_place = Organisation.objects.filter(commune_id=commune_id).only("id", "name", "slug", "siren")
            self._organisations_in[commune_id] = {organisation.pk: organisation for organisation in same_place}
        return [copy.copy(organisation) for organisation in self._organisations_in[commune_id].values()]

    def matches(self, row):
        """The organisations the row designates, by the first key that finds any (SIRET/SIREN, name, slug)."""
        siret = self._cell(row, "siret")
        siren = self._cell(row, "siren") or siret[:9]
        if siret:
            found = list(Organisation.objects.filter(siret=siret))
            if found:
                return found
        if siren:
            found = list(Organisation.objects.filter(siren=siren))
            if found:
                return found
        name = compact(self._cell(row, "nom"))
        if name and (self._cell(row, "code_insee") or self._cell(row, "commune")):
            try:
                commune = self.row_commune(row)
            except CommuneNotFound:
                commune = None  # reported by import_instance()
            if commune is not None:
                # Another SIREN is another legal body, even under the same name.
                found = [
                    o
                    for o in self.organisations_in(commune.pk)
                    if compact(o.name) == name and (not o.siren or not siren)
                ]
                if found:
                    return found
        slug = self._cell(row, "slug") or derived_slug(self._cell(row, "nom"))
        return list(Organisation.objects.filter(slug=slug)) if slug else []

    def get_instance(self, instance_loader, row):
        found = self.matches(row)
        if len(found) > 1:
            links = format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                ((reverse("admin:directory_organisation_change", args=[o.pk]), o.name) for o in found),
            )
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: format_html(
                        "Cette ligne correspond à plusieurs fiches : {}. Fusionnez-les ou précisez le SIREN ou le "
                        "slug de la bonne fiche.",
                        links,
                    )
                }
            )
        return found[0] if found else None

    def before_import_row(self, row, **kwargs):
        formulas = [column for column, value in row.items() if str(value or "").startswith(FORMULA_PREFIXES)]
        if formulas:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: "Formule de tableur refusée dans la colonne "
                    f"{', '.join(formulas)} : collez la valeur, pas la formule."
                }
            )

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        slug = instance.slug
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if not self._cell(row, "slug"):
            # An empty slug cell keeps the record's slug; a new record gets one from its name.
            instance.slug = slug or unique_slug(derived_slug(self._cell(row, "nom")))

        if self._cell(row, "code_insee") or self._cell(row, "commune"):
            try:
                commune = self.row_commune(row)
            except CommuneNotFound as exc:
                errors["commune"] = ValidationError(str(exc))
            else:
                if commune.pk != instance.commune_id:
                    instance.commune = commune
                    if "latitude" not in row or not self._cell(row, "latitude"):
                        instance.latitude = instance.longitude = None  # recomputed from the commune
        if "secteurs" in row:
            try:
                self.fields["sectors"].clean(row)
            except ValueError as exc:
                errors["sectors"] = ValidationError(str(exc))
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance, is_create):
        super().do_instance_save(instance, is_create)
        # A later row of the file may name this record, or a close one: what organisations_in() read follows.
        for organisations in self._organisations_in.values():
            organisations.pop(instance.pk, None)
        if instance.commune_id in self._organisations_in:
            self._organisations_in[instance.commune_id][instance.pk] = copy.copy(instance)

    def before_save_instance(self, instance, row, **kwargs):
        """Every imported record's history says which import wrote it."""
        super().before_save_instance(instance, row, **kwargs)
        name = kwargs.get("file_name") or "sans nom"
        instance._change_reason = f"Import du {timezone.localdate():%d/%m/%Y} (fichier {name})"

    def after_import_row(self, row, row_result, **kwargs):
        # Equal names in the same commune are updates (see matches()); a close name is only worth a look.
        if row_result.import_type != RowResult.IMPORT_TYPE_NEW or row_result.instance is None:
            return
        instance = row_result.instance
        duplicates = find_duplicates(
            name=instance.name,
            commune=instance.commune_id,
            exclude_pk=instance.pk,
            same_commune=self.organisations_in(instance.commune_id) if instance.commune_id else None,
        )
        if duplicates:
            self.duplicate_warnings.append(
                format_html(
                    "Ligne {} : « {} » ressemble peut-être à une fiche existante : {}.",
                    kwargs.get("row_number", "?"),
                    instance.name,
                    duplicates_html(duplicates),
                )
            )

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        result.duplicate_warnings = list(self.duplicate_warnings)
        # Each refusal with the file's column name, for the preview (the model says "postal_code").
        columns = {field.attribute: field.column_name for field in self.fields.values() if field.attribute}
        columns["commune"] = "code_insee / commune"
        for row in result.invalid_rows:
            row.column_errors = [
                (columns.get(name, "" if name == NON_FIELD_ERRORS else name), message)
                for name, messages in row.error_dict.items()
                for message in messages
            ]


def derived_slug(name):
    """The slug of a row without one: its folded name ("Activ'Cités" gives "activ-cites", like the admin)."""
    return slugify(normalize(name))[:200]
