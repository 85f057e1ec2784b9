"""Staff admin of the catalogue: organisations (with import, export, geocoding) and sectors."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from import_export.admin import ExportActionMixin, ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm
from import_export.results import RowResult

from core.data import bumps_collected
from core.history import FrenchHistoryAdmin
from core.views import json_error
from directory import geocoding, merge, moderation
from directory.models import Organisation, OrganisationMembership, Sector
from directory.resources import OrganisationResource
from directory.widgets import PointMapWidget
from territories.models import Commune


class OrganisationAdminForm(forms.ModelForm):
    """The organisation form, with the point-placing map and an optional geocoding on save."""

    point_map = forms.Field(
        label="Placer sur la carte",
        required=False,
        widget=PointMapWidget(centroid_url=reverse_lazy("admin:directory_organisation_centroid")),
    )
    geocode_on_save = forms.BooleanField(
        label="Placer le point à partir de l'adresse",
        required=False,
        help_text=(
            "À l'enregistrement, cherche l'adresse dans la Base Adresse Nationale et remplace la latitude, la "
            "longitude et la commune. Si le service ne répond pas, la fiche est enregistrée quand même."
        ),
    )

    class Meta:
        model = Organisation
        fields = []  # the admin's fieldsets list them
        widgets = {
            "sectors": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
            "short_description": forms.Textarea(attrs={"rows": 2}),
        }


IMPORT_FORMATS = [CSV, XLSX]
XLSX_MAGIC = b"PK\x03\x04"  # an XLSX file is a ZIP archive


class OrganisationImportForm(ImportForm):
    """The import form without a format to pick: the format is read from the file's first bytes."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["format"].required = False
        self.fields["format"].widget = forms.HiddenInput()
        self.fields["import_file"].label = "Fichier à importer (CSV ou XLSX)"

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is not None:
            head = upload.read(4)
            upload.seek(0)
            cleaned["format"] = str(IMPORT_FORMATS.index(XLSX if head == XLSX_MAGIC else CSV))
            self.errors.pop("format", None)
        return cleaned


class MergeForm(forms.Form):
    """Which record survives, and for each field on which the two disagree, whose value it keeps."""

    def __init__(self, first, second, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = {str(first.pk): first, str(second.pk): second}
        self.fields["survivor"] = forms.ChoiceField(
            label="Fiche conservée (son adresse reste ; l'autre redirige vers elle)",
            choices=[(str(o.pk), f"{o.name} ({o.slug})") for o in (first, second)],
            widget=forms.RadioSelect,
            initial=str(first.pk),
        )
        self.field_names = []
        for field in merge.differing_fields(first, second):
            self.field_names.append(field.name)
            self.fields[f"keep_{field.name}"] = forms.ChoiceField(
                label=str(field.verbose_name).capitalize(),
                choices=[(str(o.pk), self._shown(o, field)) for o in (first, second)],
                widget=forms.RadioSelect,
                initial=str(first.pk),
            )

    @staticmethod
    def _shown(organisation, field):
        value = getattr(organisation, field.name)
        if field.choices:
            value = getattr(organisation, f"get_{field.name}_display")()
        text = str(value) if value not in (None, "") else "(vide)"
        return f"{organisation.name} : {text[:120]}"

    def plan(self):
        """(survivor, absorbed, names of the fields taken from the absorbed record)."""
        survivor = self.records[self.cleaned_data["survivor"]]
        absorbed = next(o for pk, o in self.records.items() if pk != self.cleaned_data["survivor"])
        taken = [name for name in self.field_names if self.cleaned_data[f"keep_{name}"] == str(absorbed.pk)]
        return survivor, absorbed, taken


class PtceMemberInline(admin.TabularInline):
    """On a PTCE's page: the organisations that belong to it."""

    model = Organisation.ptces.through
    fk_name = "to_organisation"
    autocomplete_fields = ["from_organisation"]
    extra = 0
    verbose_name = "membre du PTCE"
    verbose_name_plural = "membres de ce PTCE"


class OrganisationMembershipInline(admin.TabularInline):
    """User accounts attached to the organisation (shown only to those who may manage accounts)."""

    model = OrganisationMembership
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(ImportMixin, ExportActionMixin, FrenchHistoryAdmin):
    form = OrganisationAdminForm
    resource_classes = [OrganisationResource]
    import_formats = IMPORT_FORMATS
    import_form_class = OrganisationImportForm
    import_template_name = "admin/directory/organisation/import.html"
    export_formats = [CSV, XLSX]

    list_display = [
        "name",
        "kind",
        "commune",
        "is_member",
        "is_published",
        "status",
        "location_is_approximate",
        "updated_at",
    ]
    list_filter = [
        "is_published",
        "is_member",
        "kind",
        "status",
        "location_is_approximate",
        "commune__department",
        "sectors",
    ]
    search_fields = ["name", "slug", "siren", "siret", "commune__name", "commune__insee_code"]
    list_select_related = ["commune"]
    list_per_page = 50
    autocomplete_fields = ["commune", "represented_epci", "ptces"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["logo_preview", "created_at", "updated_at"]
    actions = ["publish", "unpublish", "mark_as_member", "geocode", "merge_two"]
    fieldsets = [
        (
            "Identité",
            {"fields": ["name", "slug", "kind", "legal_form", ("siren", "siret"), "logo", "logo_preview"]},
        ),
        ("Présentation", {"fields": ["short_description", "description", "sectors", "themes"]}),
        (
            "Localisation",
            {
                "fields": [
                    "address",
                    ("postal_code", "commune"),
                    ("latitude", "longitude"),
                    "point_map",
                    "location_is_approximate",
                    "geocode_on_save",
                ],
                "description": (
                    "Sans coordonnées, le point est placé au centre de la commune et marqué comme approximatif."
                ),
            },
        ),
        (
            "Contact et liens",
            {"fields": ["email", "phone", "website", "facebook_url", "linkedin_url", "instagram_url"]},
        ),
        (
            "Réseau",
            {"fields": ["is_member", "member_since", "charter_signed_on", "represented_epci", "ptces"]},
        ),
        ("Publication", {"fields": ["is_published", ("status", "closed_on"), ("created_at", "updated_at")]}),
    ]

    def view_on_site(self, obj):
        # An unpublished organisation has no public page: no "Voir sur le site" link to a 404.
        return obj.get_absolute_url() if obj.is_published else None

    def get_inlines(self, request, obj):
        inlines = [OrganisationMembershipInline]
        if obj is not None and obj.kind == Organisation.Kind.PTCE:
            inlines.insert(0, PtceMemberInline)
        return inlines

    def get_urls(self):
        urls = [
            path(
                "modele-import.<str:extension>",
                self.admin_site.admin_view(self.import_template_view),
                name="directory_organisation_import_template",
            ),
            path(
                "centre-commune/",
                self.admin_site.admin_view(self.commune_centroid_view),
                name="directory_organisation_centroid",
            ),
        ]
        return urls + super().get_urls()

    def import_template_view(self, request, extension):
        """An empty file with the documented import columns, to fill in (CSV for French spreadsheets, or XLSX)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        formats = {"csv": CSV, "xlsx": XLSX}
        if extension not in formats:
            return HttpResponse("Format inconnu : demandez modele-import.csv ou modele-import.xlsx.", status=404)
        file_format = formats[extension]()
        dataset = OrganisationResource().export(Organisation.objects.none())
        body = file_format.export_data(dataset)
        if not file_format.is_binary():
            body = "\ufeff" + body  # the BOM lets Excel read the accents as UTF-8
        response = HttpResponse(body, content_type=file_format.get_content_type())
        response["Content-Disposition"] = f'attachment; filename="modele-import-organisations.{extension}"'
        return response

    def commune_centroid_view(self, request):
        """Where the map starts for a commune: its centroid, as JSON (used by the point widget)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        commune_id = request.GET.get("commune", "")
        if not commune_id.isdigit():
            return json_error(["Identifiant de commune invalide."])
        commune = Commune.objects.filter(pk=int(commune_id)).values("name", "latitude", "longitude").first()
        if commune is None:
            return json_error(["Commune introuvable."], status=404)
        return JsonResponse(commune)

    @admin.display(description="aperçu du logo")
    def logo_preview(self, obj):
        if obj is None or not obj.logo:
            return "Aucun logo."
        return format_html('<img src="{}" alt="Logo actuel de {}" class="logo-preview">', obj.logo.url, obj.name)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("geocode_on_save"):
            self._geocode_one(request, obj)
        duplicates = moderation.find_duplicates(
            name=obj.name, commune=obj.commune_id, siren=obj.siren, exclude_pk=obj.pk
        )
        if duplicates:
            messages.warning(request, moderation.duplicates_warning(duplicates, f"« {obj.name} »"))

    def _geocode_one(self, request, obj):
        try:
            result = geocoding.geocode_organisation(obj)
        except geocoding.GeocodingUnavailable:
            messages.warning(
                request,
                f"Le {geocoding.SERVICE_NAME} ne répond pas : la fiche est enregistrée, mais le point n'a pas été "
                "déplacé. Réessayez plus tard ou placez le point sur la carte.",
            )
            return
        if result is None:
            messages.warning(request, f"Adresse introuvable par le {geocoding.SERVICE_NAME} : le point n'a pas bougé.")
        else:
            messages.info(request, f"Point placé à l'adresse « {result.label} » (code INSEE {result.insee_code}).")

    # -- actions ----------------------------------------------------------------------------------

    def _update_each(self, queryset, reason, **changes):
        """Save each organisation (not a bulk UPDATE) so history, search text and map-data caches follow."""
        organisations = list(queryset.select_related("commune"))
        with bumps_collected():  # one data-version bump for the batch, not one per organisation
            for organisation in organisations:
                for field, value in changes.items():
                    setattr(organisation, field, value(organisation) if callable(value) else value)
                organisation._change_reason = reason
                organisation.save(update_fields=[*changes, "updated_at"])
        return len(organisations)

    @admin.action(description="Publier les organisations sélectionnées", permissions=["change"])
    def publish(self, request, queryset):
        count = self._update_each(queryset.filter(is_published=False), "Publication", is_published=True)
        self.message_user(request, f"{count} organisation(s) publiée(s).", messages.SUCCESS)

    @admin.action(description="Dépublier les organisations sélectionnées", permissions=["change"])
    def unpublish(self, request, queryset):
        count = self._update_each(queryset.filter(is_published=True), "Dépublication", is_published=False)
        self.message_user(request, f"{count} organisation(s) dépubliée(s).", messages.SUCCESS)

    @admin.action(description="Marquer comme adhérentes", permissions=["change"])
    def mark_as_member(self, request, queryset):
        today = timezone.localdate()
        count = self._update_each(
            queryset.filter(is_member=False),
            "Adhésion",
            is_member=True,
            member_since=lambda organisation: organisation.member_since or today,
        )
        self.message_user(request, f"{count} organisation(s) marquée(s) adhérente(s).", messages.SUCCESS)

    @admin.action(description="Géocoder les adresses (Géoplateforme de l'IGN, par lot)", permissions=["change"])
    def geocode(self, request, queryset):
        report = geocoding.geocode_organisations(queryset.select_related("commune"))
        self.report_geocoding(request, report)

    def report_geocoding(self, request, report):
        """Say what the batch geocoder did, and what it did not do."""
        if report.located:
            self.message_user(request, f"{len(report.located)} organisation(s) placée(s) à leur adresse.")
        if report.to_review:
            names = ", ".join(o.name for o in report.to_review[:10])
            self.message_user(
                request,
                f"Score faible, à vérifier (constats ouverts dans la file de vérification) : {names}.",
                messages.WARNING,
            )
        if report.not_found:
            names = ", ".join(o.name for o in report.not_found[:10])
            self.message_user(request, f"Adresse introuvable pour : {names}.", messages.WARNING)
        if report.without_address:
            self.message_user(
                request, f"{len(report.without_address)} organisation(s) sans adresse, ignorée(s).", messages.WARNING
            )
        if report.error:
            names = ", ".join(o.name for o in report.not_done[:10])
            self.message_user(
                request,
                f"Le {geocoding.SERVICE_NAME} ne répond pas : {len(report.not_done)} organisation(s) non "
                f"géocodée(s), laissée(s) telle(s) quelle(s) ({names}). Réessayez plus tard.",
                messages.ERROR,
            )

    @admin.action(description="Fusionner les deux fiches sélectionnées", permissions=["change", "delete"])
    def merge_two(self, request, queryset):
        """Two records of the same body become one: staff choose the surviving values, then confirm."""
        organisations = sorted(queryset.select_related("commune")[:3], key=lambda o: o.pk)
        if len(organisations) != 2:
            self.message_user(request, "Sélectionnez exactement deux fiches différentes à fusionner.", messages.ERROR)
            return None
        form = MergeForm(*organisations, data=request.POST if "apply_merge" in request.POST else None)
        if form.is_bound and form.is_valid():
            survivor, absorbed, taken = form.plan()
            try:
                survivor = merge.merge(survivor, absorbed, taken, by=request.user)
            except (merge.MergeRefused, ValidationError) as exc:
                self.message_user(
                    request, f"Fusion impossible, rien n'a changé : {merge.validation_messages(exc)}", messages.ERROR
                )
                return None
            self.message_user(
                request,
                format_html(
                    'Fiches fusionnées dans <a href="{}">{}</a> ; l\'ancienne adresse redirige vers elle.',
                    reverse("admin:directory_organisation_change", args=[survivor.pk]),
                    survivor.name,
                ),
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Fusionner deux fiches",
            "opts": self.model._meta,
            "form": form,
            "organisations": organisations,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/directory/organisation/merge.html", context)

    # -- import: show likely duplicates next to the preview and after the import ------------------

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        result = getattr(response, "context_data", {}).get("result")
        for warning in getattr(result, "duplicate_warnings", []):
            messages.warning(request, warning)
        return response

    def process_result(self, result, request):
        for warning in getattr(result, "duplicate_warnings", []):
            messages.warning(request, warning)
        if settings.GEOCODER_GEOCODE_IMPORTS:
            self._geocode_imported(request, result)
        return super().process_result(result, request)

    def _geocode_imported(self, request, result):
        """Place the imported rows that have an address but only their commune's point, in one batch."""
        imported = [
            row.object_id
            for row in result.valid_rows()
            if row.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE) and row.object_id
        ]
        organisations = (
            Organisation.objects.filter(pk__in=imported, location_is_approximate=True)
            .exclude(address="")
            .select_related("commune")
        )
        if imported and organisations.exists():
            self.report_geocoding(request, geocoding.geocode_organisations(organisations))


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
