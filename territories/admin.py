"""Admin of the territories app: geography (read-mostly), themes, dynamics with their timeline,
partnerships with local authorities, key figures and inspiring initiatives.

Department, Epci and Commune admins have `search_fields` so that every other admin can point
`autocomplete_fields` at them (never a select of 3,782 communes).
"""

from django.contrib import admin
from django.db.models import Case, Count, Value, When
from django.utils.html import format_html

from core.history import FrenchHistoryAdmin
from territories.models import (
    Commune,
    Department,
    Dynamic,
    Epci,
    Initiative,
    Partnership,
    TerritoryFigure,
    Theme,
    TimelineEvent,
)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    readonly_fields = ["code", "slug"]


@admin.register(Epci)
class EpciAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "department", "population", "siren", "public_page"]
    list_filter = ["department", "kind"]
    search_fields = ["name", "siren"]
    list_select_related = ["department"]
    # The geography comes from the official build (build_geography); only the name is worth touching here.
    readonly_fields = ["siren", "slug", "kind", "population", "department", "centroid_latitude", "centroid_longitude"]
    exclude = ["boundary"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("boundary")

    @admin.display(description="page publique")
    def public_page(self, obj):
        return format_html('<a href="{}">voir</a>', obj.get_absolute_url())


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "department", "epci", "population"]
    list_filter = ["department"]
    search_fields = ["name", "insee_code", "slug"]
    list_select_related = ["department", "epci"]
    readonly_fields = [
        "insee_code",
        "slug",
        "department",
        "epci",
        "population",
        "postal_codes",
        "latitude",
        "longitude",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("epci__boundary")

    def get_search_results(self, request, queryset, search_term):
        """Exact names first, then names starting with the text, then the others (each by population):
        typing "Lens" offers Lens before Lens-… or Annay-sous-Lens."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            rank = Case(
                When(name__iexact=term, then=Value(0)),
                When(name__istartswith=term, then=Value(1)),
                default=Value(2),
            )
            queryset = queryset.annotate(search_rank=rank).order_by("search_rank", "-population", "name")
        return queryset, may_have_duplicates


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "colour_sample", "order", "dynamic_count"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    # The count below groups the rows, and a grouped query drops Meta.ordering: the pages would shuffle.
    ordering = ["order", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(dynamic_total=Count("dynamics"))

    @admin.display(description="couleur")
    def colour_sample(self, obj):
        return format_html(
            '<svg width="16" height="16" aria-hidden="true"><rect width="16" height="16" fill="{}"/></svg> {}',
            obj.colour,
            obj.colour,
        )

    @admin.display(description="dynamiques", ordering="dynamic_total")
    def dynamic_count(self, obj):
        return obj.dynamic_total


class TimelineEventInline(admin.TabularInline):
    model = TimelineEvent
    extra = 1
    fields = ["date", "date_precision", "title", "involvement", "is_network_action", "order", "description"]


@admin.register(Dynamic)
class DynamicAdmin(FrenchHistoryAdmin):
    list_display = ["title", "theme", "phase", "start_year", "end_year", "is_published", "updated_at"]
    list_filter = ["theme", "phase", "is_published"]
    search_fields = ["title", "summary", "epcis__name", "communes__name"]
    list_select_related = ["theme"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["epcis", "communes", "partners", "initiatives"]
    inlines = [TimelineEventInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "theme", "summary", "description", "is_published"]}),
        ("Territoire et période", {"fields": ["epcis", "communes", "start_year", "end_year", "phase"]}),
        ("Liens", {"fields": ["partners", "initiatives"]}),
    ]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["__str__", "epci", "department", "start_year", "end_year", "order"]
    list_editable = ["order"]
    list_filter = ["department"]
    search_fields = ["authority_name", "epci__name"]
    list_select_related = ["epci", "department"]
    autocomplete_fields = ["epci", "department", "organisation"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("epci__boundary")


@admin.register(TerritoryFigure)
class TerritoryFigureAdmin(admin.ModelAdmin):
    list_display = ["label", "formatted_value", "territory", "theme", "source", "as_of", "order"]
    list_filter = ["theme", "department"]
    search_fields = ["label", "source", "epci__name"]
    list_select_related = ["epci", "department", "theme"]
    autocomplete_fields = ["epci", "department", "theme"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("epci__boundary")

    @admin.display(description="valeur")
    def formatted_value(self, obj):
        return obj.formatted_value

    @admin.display(description="territoire")
    def territory(self, obj):
        return obj.territory_name


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "order", "is_published", "updated_at"]
    list_editable = ["order"]
    list_filter = ["kind", "themes", "is_published"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["themes", "organisations", "epcis", "communes", "departments"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "challenge", "summary", "order", "is_published", "source"]}),
        (
            "Étude de cas",
            {
                "fields": [
                    "context",
                    "objectives",
                    "description",
                    "impact",
                    "partners_text",
                    "vigilance",
                    "success_keys",
                    "funding",
                    "contact",
                    "contact_email",
                ]
            },
        ),
        ("Liens", {"fields": ["themes", "organisations", "epcis", "communes", "departments"]}),
    ]
