"""Import and export of organisations (django-import-export), CSV and XLSX, with French column names.

The columns are documented in docs/admin.md. Rows are matched to existing organisations by SIREN,
then by slug (a row with neither gets a slug made from its name, so importing the same file twice
updates instead of duplicating). Communes are matched by INSEE code, or by name and postal code.
Every problem is reported on its row, in French, and the whole file is refused until it is fixed.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify
from import_export import fields, resources, widgets
from import_export.results import RowResult

from directory.communes import CommuneNotFound, commune_from
from directory.models import Organisation, Sector
from directory.moderation import duplicates_html, find_duplicates, unique_slug


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
        import_id_fields = ()  # matching is done by get_instance(): SIREN first, then slug
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        store_instance = True  # after_import_row() needs the instance to look for duplicates

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.duplicate_warnings = []

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

    def get_instance(self, instance_loader, row):
        siren = self._cell(row, "siren")
        if siren:
            organisation = Organisation.objects.filter(siren=siren).first()
            if organisation is not None:
                return organisation
        slug = self._cell(row, "slug")
        if slug:
            return Organisation.objects.filter(slug=slug).first()
        return None

    def before_import_row(self, row, **kwargs):
        # A row without slug gets one from its name, so re-importing the same file finds it again.
        if not self._cell(row, "slug") and self._cell(row, "nom") and not self._cell(row, "siren"):
            row["slug"] = slugify(self._cell(row, "nom"))[:200]

    def after_init_instance(self, instance, new, row, **kwargs):
        if new and not self._cell(row, "slug") and self._cell(row, "nom"):
            instance.slug = unique_slug(self._cell(row, "nom"))

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)

        insee_code = self._cell(row, "code_insee")
        commune_name = self._cell(row, "commune")
        if insee_code or commune_name:
            try:
                commune = commune_from(
                    insee_code=insee_code, name=commune_name, postal_code=self._cell(row, "code_postal")
                )
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

    def before_save_instance(self, instance, row, **kwargs):
        """Every imported record's history says which import wrote it."""
        super().before_save_instance(instance, row, **kwargs)
        name = kwargs.get("file_name") or "sans nom"
        instance._change_reason = f"Import du {timezone.localdate():%d/%m/%Y} (fichier {name})"

    def after_import_row(self, row, row_result, **kwargs):
        if row_result.import_type != RowResult.IMPORT_TYPE_NEW or row_result.instance is None:
            return
        instance = row_result.instance
        duplicates = find_duplicates(name=instance.name, commune=instance.commune_id, exclude_pk=instance.pk)
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
