"""The filters of /carnets/: collection, theme, territory, year and a text search.

Choices list only what has published documents (an empty filter option helps nobody), and are
computed once per request in `__init__` so rendering and validating the form do not repeat queries.
Territory values read as words in the address bar: ``departement-59``, ``epci-ca-valenciennes-metropole``.
"""

import django_filters
from django import forms

from publications.models import Publication
from territories.models import Department, Epci, Theme

DEPARTMENT_PREFIX = "departement-"
EPCI_PREFIX = "epci-"


class PublicationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Rechercher",
        method="filter_search",
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Titre, sujet, auteur…"}),
    )
    collection = django_filters.ChoiceFilter(
        label="Collection", choices=Publication.Collection.choices, empty_label="Toutes les collections"
    )
    theme = django_filters.ModelChoiceFilter(
        label="Thématique",
        queryset=Theme.objects.none(),
        to_field_name="slug",
        method="filter_theme",
        empty_label="Toutes les thématiques",
    )
    territoire = django_filters.ChoiceFilter(
        label="Territoire", choices=[], method="filter_territory", empty_label="Tous les territoires"
    )
    annee = django_filters.ChoiceFilter(
        label="Année", choices=[], method="filter_year", empty_label="Toutes les années"
    )

    class Meta:
        model = Publication
        fields = ["q", "collection", "theme", "territoire", "annee"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        published = Publication.objects.published()
        links = Publication.themes.through.objects.filter(publication__in=published)
        self.filters["theme"].queryset = Theme.objects.filter(pk__in=links.values("theme"))
        self.filters["territoire"].extra["choices"] = territory_choices(published)
        years = published.dates("published_on", "year", order="DESC")
        self.filters["annee"].extra["choices"] = [(str(day.year), str(day.year)) for day in years]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_theme(self, queryset, name, value):
        return queryset.with_theme(value)

    def filter_territory(self, queryset, name, value):
        if value.startswith(DEPARTMENT_PREFIX):
            department = Department.objects.get(code=value.removeprefix(DEPARTMENT_PREFIX))
            return queryset.in_department(department)
        epci = Epci.objects.get(slug=value.removeprefix(EPCI_PREFIX))
        return queryset.in_epci(epci)

    def filter_year(self, queryset, name, value):
        return queryset.filter(published_on__year=int(value))  # one of the offered years: digits


def territory_choices(publications):
    """Departments and EPCI that published `publications` are about, grouped for the select."""
    epci_links = Publication.epcis.through.objects.filter(publication__in=publications)
    department_links = Publication.departments.through.objects.filter(publication__in=publications)
    epcis = list(Epci.objects.filter(pk__in=epci_links.values("epci")).only("slug", "name", "department_id"))
    department_ids = {epci.department_id for epci in epcis}
    departments = Department.objects.filter(pk__in=department_links.values("department")) | Department.objects.filter(
        pk__in=department_ids
    )
    choices = []
    department_choices = [(f"{DEPARTMENT_PREFIX}{d.code}", d.name) for d in departments.order_by("code")]
    if department_choices:
        choices.append(("Départements", department_choices))
    if epcis:
        choices.append(("Intercommunalités", [(f"{EPCI_PREFIX}{epci.slug}", epci.name) for epci in epcis]))
    return choices
