"""FilterSets of the territories app, shared by the HTML lists and the map data.

One query string means the same thing everywhere: `/dynamiques/?theme=mise-en-recit&departement=59` and
`/api/dynamiques.geojson?theme=mise-en-recit&departement=59` select the same dynamics.
"""

import django_filters
from django import forms

from territories.models import Department, Dynamic, Epci, Initiative, Theme


class DepartmentCodeFilter(django_filters.ModelChoiceFilter):
    """A department by its INSEE code (`departement=59`); the queryset method does the geography."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Department.objects.all())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("label", "Département")
        kwargs.setdefault("empty_label", "Tous les départements")
        kwargs.setdefault("error_messages", {"invalid_choice": "Ce département n'est pas dans les Hauts-de-France."})
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.in_department(value.code)


def theme_filter(field_name="theme"):
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=Theme.objects.all(),
        to_field_name="slug",
        label="Thématique",
        empty_label="Toutes les thématiques",
        error_messages={"invalid_choice": "Cette thématique n'existe pas."},
    )


class DynamicFilterSet(django_filters.FilterSet):
    theme = theme_filter()
    phase = django_filters.ChoiceFilter(
        choices=Dynamic.Phase.choices,
        label="Phase",
        empty_label="Toutes les phases",
        error_messages={"invalid_choice": "Cette phase n'existe pas."},
    )
    departement = DepartmentCodeFilter()
    epci = django_filters.ModelChoiceFilter(
        queryset=Epci.objects.defer("boundary"),
        to_field_name="siren",
        label="EPCI",
        empty_label="Tous les EPCI",
        method="filter_epci",
        error_messages={"invalid_choice": "Cet EPCI n'est pas dans les Hauts-de-France."},
    )

    class Meta:
        model = Dynamic
        fields = ["theme", "phase", "departement", "epci"]

    def filter_epci(self, queryset, name, value):
        return queryset.in_epci(value) if value else queryset


class InitiativeFilterSet(django_filters.FilterSet):
    theme = theme_filter(field_name="themes")
    kind = django_filters.ChoiceFilter(
        choices=Initiative.Kind.choices,
        label="Format",
        empty_label="Tous les formats",
        widget=forms.Select,
        error_messages={"invalid_choice": "Ce format n'existe pas."},
    )
    departement = DepartmentCodeFilter()

    class Meta:
        model = Initiative
        fields = ["theme", "kind", "departement"]
