"""Admin of the publications: upload a PDF, everything else (pages, size, cover, preview) follows.

Staff see the downloads of each publication in total (list column) and month by month (a read-only
table on the publication's page, and a "Téléchargements par mois" list across publications).
"""

from django.contrib import admin
from django.db import models
from django.utils.html import format_html, format_html_join

from core.history import FrenchHistoryAdmin
from publications.models import DownloadCount, Publication


class DownloadCountInline(admin.TabularInline):
    model = DownloadCount
    verbose_name_plural = "téléchargements par mois"
    fields = ["month_label", "count"]
    readonly_fields = ["month_label", "count"]
    ordering = ["-month"]
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="mois")
    def month_label(self, download):
        return download.month_label


@admin.register(Publication)
class PublicationAdmin(FrenchHistoryAdmin):
    list_display = [
        "title",
        "collection",
        "year_display",
        "access",
        "page_count",
        "size_display",
        "download_count",
        "is_published",
    ]
    list_filter = ["collection", "kind", "access", "is_published", "language", "themes"]
    search_fields = ["title", "subtitle", "summary", "publisher", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["themes", "epcis", "departments", "organisations", "dynamics"]
    readonly_fields = ["file_facts", "cover_display", "preview_display", "download_count", "created_at", "updated_at"]
    inlines = [DownloadCountInline]
    date_hierarchy = "published_on"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "slug", "collection", "kind", "publisher", "language"]}),
        ("Date", {"fields": ["published_on", "published_on_precision"]}),
        ("Présentation", {"fields": ["summary"]}),
        (
            "Crédits",
            {"fields": ["credit_direction", "credit_coordination", "credit_writing", "credit_illustration"]},
        ),
        (
            "Document",
            {
                "fields": ["pdf_file", "file_facts", "external_url", "cover", "cover_display", "preview_display"],
                "description": "Le PDF est vérifié au dépôt : un vrai PDF, non chiffré, sous la taille maximale. "
                "La couverture (si vous n'en déposez pas) et l'aperçu sont tirés de ses premières pages.",
            },
        ),
        ("Liens", {"fields": ["themes", "dynamics", "epcis", "departments", "organisations"]}),
        ("Diffusion", {"fields": ["access", "is_published", "download_count", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("summary", "search_text")

    @admin.display(description="année", ordering="published_on")
    def year_display(self, publication):
        return publication.year or "—"

    @admin.display(description="poids")
    def size_display(self, publication):
        return publication.size_label or "—"

    @admin.display(description="fichier")
    def file_facts(self, publication):
        if not publication.file_size:
            return "—"
        pages = publication.page_count or 0
        return f"{pages} page{'s' if pages > 1 else ''}, {publication.size_label}"

    @admin.display(description="couverture actuelle")
    def cover_display(self, publication):
        if not publication.cover:
            return "—"
        origin = "tirée de la première page du PDF" if publication.cover_is_generated else "déposée"
        return format_html('<img src="{}" alt="" width="150"><br>{}', publication.cover.url, origin)

    @admin.display(description="aperçu")
    def preview_display(self, publication):
        previews = publication.previews.all()
        if not previews:
            return "—"
        return format_html_join(
            " ",
            '<img src="{}" alt="Page {}" width="90">',
            ((preview.image.url, preview.number) for preview in previews),
        )


@admin.register(DownloadCount)
class DownloadCountAdmin(admin.ModelAdmin):
    """Downloads month by month across publications; counted by the site, so read-only."""

    list_display = ["publication", "month_label", "count"]
    list_filter = ["month", "publication__collection"]
    list_select_related = ["publication"]
    search_fields = ["publication__title"]
    date_hierarchy = "month"
    ordering = ["-month", "-count"]

    @admin.display(description="mois", ordering="month")
    def month_label(self, download):
        return download.month_label

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
