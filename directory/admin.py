"""Staff admin of the directory: organisations, sectors, and what the public and members submit."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from import_export.admin import ExportActionMixin, ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin

from directory import geocoding, moderation
from directory.models import (
    CorrectionRequest,
    MembershipApplication,
    Organisation,
    OrganisationMembership,
    ProposedChange,
    ReviewStatus,
    Sector,
)
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
class OrganisationAdmin(ImportMixin, ExportActionMixin, SimpleHistoryAdmin):
    form = OrganisationAdminForm
    resource_classes = [OrganisationResource]
    import_formats = [CSV, XLSX]
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
    actions = ["publish", "unpublish", "mark_as_member", "geocode"]
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

    def get_inlines(self, request, obj):
        inlines = [OrganisationMembershipInline]
        if obj is not None and obj.kind == Organisation.Kind.PTCE:
            inlines.insert(0, PtceMemberInline)
        return inlines

    def get_urls(self):
        urls = [
            path(
                "centre-commune/",
                self.admin_site.admin_view(self.commune_centroid_view),
                name="directory_organisation_centroid",
            )
        ]
        return urls + super().get_urls()

    def commune_centroid_view(self, request):
        """Where the map starts for a commune: its centroid, as JSON (used by the point widget)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        commune_id = request.GET.get("commune", "")
        if not commune_id.isdigit():
            return JsonResponse({"error": "Identifiant de commune invalide."}, status=400)
        commune = Commune.objects.filter(pk=int(commune_id)).values("name", "latitude", "longitude").first()
        if commune is None:
            return JsonResponse({"error": "Commune introuvable."}, status=404)
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
                "La Base Adresse Nationale ne répond pas : la fiche est enregistrée, mais le point n'a pas été "
                "déplacé. Réessayez plus tard ou placez le point sur la carte.",
            )
            return
        if result is None:
            messages.warning(request, "Adresse introuvable dans la Base Adresse Nationale : le point n'a pas bougé.")
        else:
            messages.info(request, f"Point placé à l'adresse « {result.label} » (code INSEE {result.insee_code}).")

    # -- actions ----------------------------------------------------------------------------------

    def _update_each(self, queryset, reason, **changes):
        """Save each organisation (not a bulk UPDATE) so history, search text and map-data caches follow."""
        organisations = list(queryset.select_related("commune"))
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

    @admin.action(description="Géocoder l'adresse (Base Adresse Nationale)", permissions=["change"])
    def geocode(self, request, queryset):
        report = geocoding.geocode_organisations(queryset.select_related("commune"))
        if report.located:
            self.message_user(request, f"{len(report.located)} organisation(s) placée(s) à leur adresse.")
        if report.not_found:
            names = ", ".join(o.name for o in report.not_found[:10])
            self.message_user(request, f"Adresse introuvable pour : {names}.", messages.WARNING)
        if report.without_address:
            self.message_user(
                request, f"{len(report.without_address)} organisation(s) sans adresse, ignorée(s).", messages.WARNING
            )
        if report.error:
            self.message_user(
                request,
                "La Base Adresse Nationale ne répond pas : le géocodage s'est arrêté, rien n'a été perdu. "
                "Réessayez plus tard.",
                messages.ERROR,
            )

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
        return super().process_result(result, request)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ReviewAdminMixin:
    """Submissions come from the public site or the member space, never typed in the admin."""

    def has_add_permission(self, request):
        return False

    @admin.display(description="organisation", ordering="organisation__name")
    def organisation_link(self, obj):
        if obj.organisation_id is None:
            return "—"
        url = reverse("admin:directory_organisation_change", args=[obj.organisation_id])
        return format_html('<a href="{}">{}</a>', url, obj.organisation)


@admin.register(MembershipApplication)
class MembershipApplicationAdmin(ReviewAdminMixin, admin.ModelAdmin):
    list_display = ["organisation_name", "kind", "commune", "contact_name", "created_at", "status", "organisation_link"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["organisation_name", "contact_name", "email", "siren"]
    list_select_related = ["commune", "organisation"]
    autocomplete_fields = ["commune", "organisation"]
    date_hierarchy = "created_at"
    actions = ["accept", "reject_applications"]
    readonly_fields = [
        "status",
        "created_at",
        "reviewed_at",
        "likely_duplicates",
        "accepts_social_utility",
        "accepts_territorial_anchoring",
        "accepts_democratic_governance",
        "accepts_limited_profit",
        "consents_to_processing",
    ]
    fieldsets = [
        ("Suivi", {"fields": [("status", "created_at", "reviewed_at"), "staff_notes"]}),
        (
            "Structure",
            {
                "fields": [
                    "organisation_name",
                    "kind",
                    "siren",
                    "address",
                    ("postal_code", "commune"),
                    "website",
                    "sectors",
                    "presentation",
                ]
            },
        ),
        ("Contact", {"fields": ["contact_name", "email", "phone"]}),
        (
            "Charte et consentement",
            {
                "fields": [
                    "accepts_social_utility",
                    "accepts_territorial_anchoring",
                    "accepts_democratic_governance",
                    "accepts_limited_profit",
                    "consents_to_processing",
                ]
            },
        ),
        (
            "Fiche de l'annuaire",
            {
                "fields": ["likely_duplicates", "organisation"],
                "description": (
                    "À l'acceptation, la fiche choisie ici est mise à jour ; sans choix, celle qui a le même SIREN, "
                    "sinon une nouvelle fiche non publiée est créée."
                ),
            },
        ),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs.setdefault("widgets", {})["sectors"] = forms.CheckboxSelectMultiple
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.display(description="doublons probables")
    def likely_duplicates(self, obj):
        duplicates = moderation.find_duplicates(name=obj.organisation_name, commune=obj.commune_id, siren=obj.siren)
        return moderation.duplicates_html(duplicates) if duplicates else "Aucun doublon probable."

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET" and obj.status == ReviewStatus.NEW:
            duplicates = moderation.find_duplicates(name=obj.organisation_name, commune=obj.commune_id, siren=obj.siren)
            if duplicates:
                messages.warning(request, moderation.duplicates_warning(duplicates, "Cette demande"))
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        """The "accept" and "refuse" buttons of the application's page (after its corrections are saved)."""
        if obj.status == ReviewStatus.NEW and "_accept" in request.POST:
            organisation = self._accept_one(request, obj)
            return redirect("admin:directory_organisation_change", organisation.pk)
        if obj.status == ReviewStatus.NEW and "_reject" in request.POST:
            moderation.reject(obj)
            self.message_user(request, f"Demande de « {obj.organisation_name} » refusée.", messages.SUCCESS)
            return redirect("admin:directory_membershipapplication_changelist")
        return super().response_change(request, obj)

    def _accept_one(self, request, application):
        organisation, created = moderation.accept_application(application)
        url = reverse("admin:directory_organisation_change", args=[organisation.pk])
        verb = "créée (non publiée) : vérifiez-la puis publiez-la" if created else "mise à jour"
        self.message_user(
            request, format_html('Fiche <a href="{}">{}</a> {}.', url, organisation.name, verb), messages.SUCCESS
        )
        return organisation

    @admin.action(description="Accepter : créer ou mettre à jour la fiche (non publiée)", permissions=["change"])
    def accept(self, request, queryset):
        for application in queryset.filter(status=ReviewStatus.NEW).select_related("organisation", "commune"):
            self._accept_one(request, application)

    @admin.action(description="Refuser les demandes sélectionnées", permissions=["change"])
    def reject_applications(self, request, queryset):
        applications = list(queryset.filter(status=ReviewStatus.NEW))
        for application in applications:
            moderation.reject(application)
        self.message_user(request, f"{len(applications)} demande(s) refusée(s).", messages.SUCCESS)


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(ReviewAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "organisation_link", "excerpt", "contact_name", "status"]
    list_filter = ["status", "created_at"]
    search_fields = ["organisation__name", "message", "contact_name", "contact_email"]
    list_select_related = ["organisation"]
    readonly_fields = ["organisation_link", "message", "contact_name", "contact_email", "status", "created_at"]
    fields = [
        "organisation_link",
        "message",
        ("contact_name", "contact_email"),
        ("status", "created_at"),
        "staff_notes",
    ]
    date_hierarchy = "created_at"
    actions = ["mark_handled", "reject_requests"]

    @admin.display(description="correction proposée")
    def excerpt(self, obj):
        return Truncator(obj.message).chars(90)

    @admin.action(description="Marquer comme traitées", permissions=["change"])
    def mark_handled(self, request, queryset):
        requests = list(queryset.filter(status=ReviewStatus.NEW))
        for correction in requests:
            moderation.close(correction)
        self.message_user(request, f"{len(requests)} signalement(s) traité(s).", messages.SUCCESS)

    @admin.action(description="Refuser les signalements sélectionnés", permissions=["change"])
    def reject_requests(self, request, queryset):
        requests = list(queryset.filter(status=ReviewStatus.NEW))
        for correction in requests:
            moderation.reject(correction)
        self.message_user(request, f"{len(requests)} signalement(s) refusé(s).", messages.SUCCESS)


@admin.register(ProposedChange)
class ProposedChangeAdmin(ReviewAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "organisation_link", "proposed_by", "changed_fields", "status"]
    list_filter = ["status", "created_at"]
    search_fields = ["organisation__name", "proposed_by__username", "message"]
    list_select_related = ["organisation", "proposed_by"]
    readonly_fields = ["organisation_link", "proposed_by", "comparison", "message", "status", "created_at"]
    fields = ["organisation_link", ("proposed_by", "created_at", "status"), "message", "comparison"]
    actions = ["accept", "reject_changes"]

    @admin.display(description="champs modifiés")
    def changed_fields(self, obj):
        return ", ".join(str(Organisation._meta.get_field(name).verbose_name) for name in obj.changes)

    @admin.display(description="modifications")
    def comparison(self, obj):
        rows = (
            (Organisation._meta.get_field(name).verbose_name, getattr(obj.organisation, name), value)
            for name, value in obj.changes.items()
            if name in ProposedChange.EDITABLE_FIELDS
        )
        body = format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>", rows)
        return format_html(
            "<table><thead><tr><th scope='col'>champ</th><th scope='col'>valeur actuelle</th>"
            "<th scope='col'>valeur proposée</th></tr></thead><tbody>{}</tbody></table>",
            body,
        )

    @admin.action(description="Accepter : appliquer à la fiche", permissions=["change"])
    def accept(self, request, queryset):
        applied = 0
        for change in queryset.filter(status=ReviewStatus.NEW).select_related("organisation", "proposed_by"):
            try:
                moderation.apply_proposed_change(change)
            except ValidationError as exc:
                problems = " ".join(exc.messages)
                self.message_user(request, f"{change.organisation} : non appliquée ({problems})", messages.ERROR)
            else:
                applied += 1
        self.message_user(request, f"{applied} modification(s) appliquée(s).", messages.SUCCESS)

    @admin.action(description="Refuser les modifications sélectionnées", permissions=["change"])
    def reject_changes(self, request, queryset):
        changes = list(queryset.filter(status=ReviewStatus.NEW))
        for change in changes:
            moderation.reject(change)
        self.message_user(request, f"{len(changes)} modification(s) refusée(s).", messages.SUCCESS)


@admin.register(OrganisationMembership)
class OrganisationMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "created_at"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]
