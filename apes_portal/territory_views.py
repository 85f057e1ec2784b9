"""Public territory pages: the regional map, EPCI pages, dynamics, themes and inspiring initiatives.

They sit with the site pages, on the top floor (docs/architecture.md): each one composes the geography
and the network's work (territories) with the organisations (directory) and the carnets (publications).
"""

from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.views.generic import DetailView, ListView, TemplateView

from core.maps import map_config
from core.views import FilteredListMixin
from directory.models import Organisation
from proposals.models import Commitment
from publications.models import Publication
from territories.filters import DynamicFilterSet, InitiativeFilterSet
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

#: Organisations listed on an EPCI page; beyond that, the page links to the filtered directory.
EPCI_ORGANISATIONS_SHOWN = 60


def directory_url(**params):
    """The directory list filtered by `params` (`epci=<SIREN>`, `departement=<code>`, `theme=<slug>`)."""
    return f"{reverse('directory:organisation-list')}?{urlencode(params)}"


def partner_epcis():
    """EPCI with a partnership, annotated for cards and lists (boundaries left in the database)."""
    return Epci.objects.defer("boundary").annotate(is_partner=Exists(Partnership.objects.filter(epci=OuterRef("pk"))))


class TerritoryIndexView(TemplateView):
    """/territoires/: regional map with its legend, partner authorities, key figures, EPCI by department."""

    template_name = "territories/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Aggregation drops Meta.ordering: order the legend explicitly.
        themes = list(
            Theme.objects.annotate(dynamic_count=Count("dynamics", filter=Q(dynamics__is_published=True))).order_by(
                "order", "name"
            )
        )
        dynamics = list(Dynamic.objects.published().for_cards())
        context.update(
            themes=themes,
            dynamic_total=sum(theme.dynamic_count for theme in themes),
            dynamics=dynamics,
            departments=Department.objects.prefetch_related(Prefetch("epcis", queryset=partner_epcis())),
            partnerships=Partnership.objects.select_related("epci", "department").defer("epci__boundary"),
            figures=TerritoryFigure.objects.filter(epci=None, department=None, theme=None),
            map_config=map_config(
                epciUrl=reverse("territories:epci-geojson"),
                dynamicsUrl=reverse("territories:dynamic-geojson"),
            ),
        )
        return context


class EpciDetailView(DetailView):
    """/territoires/<slug>/: one EPCI, its partnership, dynamics, PTCE, key figures and organisations."""

    template_name = "territories/epci_detail.html"
    context_object_name = "epci"

    def get_queryset(self):
        return Epci.objects.select_related("department")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        epci = self.object
        organisations = Organisation.objects.published().in_epci(epci)
        organisation_count = organisations.count()
        context.update(
            commune_count=epci.communes.count(),
            partnerships=list(epci.partnerships.all()),
            figures=epci.figures.all(),
            dynamics=Dynamic.objects.published().in_epci(epci).for_cards(),
            initiatives=Initiative.objects.published()
            .filter(
                Q(pk__in=Initiative.epcis.through.objects.filter(epci=epci).values("initiative"))
                | Q(pk__in=Initiative.communes.through.objects.filter(commune__epci=epci).values("initiative"))
            )
            .prefetch_related("themes"),
            ptces=organisations.filter(kind=Organisation.Kind.PTCE).select_related("commune"),
            organisations=organisations.select_related("commune")[:EPCI_ORGANISATIONS_SHOWN],
            organisation_count=organisation_count,
            organisations_truncated=organisation_count > EPCI_ORGANISATIONS_SHOWN,
            # Municipales 2026: the commitments of the territory's teams and where their measures stand.
            commitments=list(Commitment.objects.in_epci(epci).for_public_list()),
            directory_link=directory_url(epci=epci.siren),
            map_config=map_config(
                boundary=epci.boundary,
                center=[epci.centroid_latitude, epci.centroid_longitude]
                if epci.centroid_latitude is not None
                else None,
                zoom=10,
                dynamicsUrl=reverse("territories:dynamic-geojson") + f"?epci={epci.siren}",
            ),
        )
        return context


class DynamicListView(FilteredListMixin, ListView):
    """/dynamiques/: published dynamics, filtered by theme, phase and department."""

    template_name = "territories/dynamic_list.html"
    context_object_name = "dynamics"
    filterset_class = DynamicFilterSet
    paginate_by = 20

    def get_base_queryset(self):
        return Dynamic.objects.published().for_cards()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["geojson_url"] = reverse("territories:dynamic-geojson")
        return context


class DynamicDetailView(DetailView):
    """/dynamiques/<slug>/: a dynamic with its territories, partners and visual timeline."""

    template_name = "territories/dynamic_detail.html"
    context_object_name = "dynamic"

    def get_queryset(self):
        prefetches = [
            Prefetch("events", queryset=TimelineEvent.objects.order_by("date", "order", "pk")),
            Prefetch("epcis", queryset=Epci.objects.defer("boundary").select_related("department")),
            Prefetch("communes", queryset=Commune.objects.select_related("epci").defer("epci__boundary")),
            Prefetch("partners", queryset=Organisation.objects.published().select_related("commune")),
            Prefetch("initiatives", queryset=Initiative.objects.published()),
            Prefetch("publications", queryset=Publication.objects.published()),
        ]
        return Dynamic.objects.published().select_related("theme").prefetch_related(*prefetches)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timeline"] = self.object.timeline_years()
        return context


class ThemeDetailView(DetailView):
    """/thematiques/<slug>/: a theme, its dynamics and initiatives, and the organisations working on it."""

    template_name = "territories/theme_detail.html"
    context_object_name = "theme"
    model = Theme

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        theme = self.object
        context.update(
            dynamics=Dynamic.objects.published().filter(theme=theme).for_cards(),
            initiatives=Initiative.objects.published().filter(themes=theme).prefetch_related("themes"),
            figures=theme.figures.all(),
            organisation_count=Organisation.objects.published().filter(themes=theme).count(),
            directory_link=directory_url(theme=theme.slug),
            other_themes=Theme.objects.exclude(pk=theme.pk),
        )
        return context


class InitiativeListView(FilteredListMixin, ListView):
    """/initiatives/: inspiring initiatives, filtered by theme, format and department."""

    template_name = "territories/initiative_list.html"
    context_object_name = "initiatives"
    filterset_class = InitiativeFilterSet
    paginate_by = 12

    def get_base_queryset(self):
        return Initiative.objects.published().prefetch_related(
            "themes",
            Prefetch("epcis", queryset=Epci.objects.only("id", "name", "slug")),
            Prefetch("communes", queryset=Commune.objects.only("id", "name", "slug", "insee_code")),
        )


class InitiativeDetailView(DetailView):
    """/initiatives/<slug>/: one case study, section by section."""

    template_name = "territories/initiative_detail.html"
    context_object_name = "initiative"

    def get_queryset(self):
        return Initiative.objects.published().prefetch_related(
            "themes",
            "departments",
            Prefetch("epcis", queryset=Epci.objects.defer("boundary")),
            Prefetch("communes", queryset=Commune.objects.select_related("epci").defer("epci__boundary")),
            Prefetch("organisations", queryset=Organisation.objects.published().select_related("commune")),
            Prefetch("dynamics", queryset=Dynamic.objects.published().select_related("theme")),
        )
