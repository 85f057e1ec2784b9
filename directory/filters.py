"""The one FilterSet behind the directory list, the map data and the CSV export.

One query string means the same thing everywhere: `/annuaire/?sector=alimentation&departement=62`,
`/carte/?sector=alimentation&departement=62` and `/api/organisations.geojson?sector=alimentation&departement=62`
show the same organisations. Published organisations only.

Bad values never raise: the form marks them invalid, and every page or endpoint reading this FilterSet
answers 400 with the French messages (core.views.FilteredListMixin for the pages, `filter_errors` for
the data endpoints).
"""

import django_filters
from django import forms
from django.http import QueryDict
from django.utils.choices import BaseChoiceIterator

from core.data import data_version
from core.text import normalize
from core.views import filter_error_messages
from directory.models import Organisation, Sector
from directory.widgets import InlineOptionsSelect
from territories.models import Commune, Department, Epci, Theme

UNKNOWN_VALUE = "« %(value)s » n'est pas une valeur connue pour ce filtre."
UNKNOWN_CHOICE = "Cette valeur n'est pas connue pour ce filtre."


class SortChoices:
    RELEVANCE = "pertinence"
    NAME = "nom"
    NAME_DESC = "-nom"
    COMMUNE = "commune"
    RECENT = "recent"

    choices = [
        (RELEVANCE, "Pertinence"),
        (NAME, "Nom, de A à Z"),
        (NAME_DESC, "Nom, de Z à A"),
        (COMMUNE, "Commune"),
        (RECENT, "Ajout le plus récent"),
    ]


# The search text starts with the normalised name: sorting on it ignores case and accents the same way on
# PostgreSQL and SQLite ("Épicerie" between "Compost" and "Maison", not after "Z"). Commune slugs likewise.
ORDERINGS = {
    SortChoices.NAME: ["search_text", "pk"],
    SortChoices.NAME_DESC: ["-search_text", "-pk"],
    SortChoices.COMMUNE: ["commune__slug", "search_text", "pk"],
    SortChoices.RECENT: ["-created_at", "-pk"],
}

MEMBER_CHOICES = [("oui", "Adhérents de l'Apes"), ("non", "Non adhérents")]


class BoundingBoxField(forms.CharField):
    """`west,south,east,north` in degrees (WGS 84, as in RFC 7946 §5)."""

    default_error_messages = {
        "invalid": "La zone (bbox) doit s'écrire ouest,sud,est,nord en degrés décimaux, par exemple 2.9,50.5,3.2,50.7.",
    }

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        parts = value.split(",")
        if len(parts) != 4:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            west, south, east, north = (float(part) for part in parts)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return west, south, east, north


class BoundingBoxFilter(django_filters.Filter):
    field_class = BoundingBoxField

    def filter(self, qs, value):
        if not value:
            return qs
        west, south, east, north = value
        return qs.filter(longitude__gte=west, longitude__lte=east, latitude__gte=south, latitude__lte=north)


def _model_choice(label, queryset, to_field_name, method, **kwargs):
    kwargs.setdefault("widget", InlineOptionsSelect)
    return django_filters.ModelChoiceFilter(
        label=label,
        queryset=queryset,
        to_field_name=to_field_name,
        method=method,
        error_messages={"invalid_choice": UNKNOWN_CHOICE},
        **kwargs,
    )


# The options of the model-backed selects, built once per data version of the directory (every change
# to organisations, sectors, themes, departments and EPCI bumps it: directory/models/catalogue.py) and
# kept in this process: {"token": …, "choices": {filter name: [(value, label), …]}}. Validating a value
# still asks the database (one query per filter used), so a stale option could never be accepted.
_choices_cache = {"token": None, "choices": {}}


class CachedOptions(BaseChoiceIterator):
    """The options of one model-backed select, read from the process cache, built on first iteration.

    Lazy, so that the data endpoints, which validate the same form but never render it, run no query (a
    `BaseChoiceIterator`, which Django's widgets keep as it is instead of reading it when it is set).
    """

    def __init__(self, name, field):
        self.name, self.field = name, field

    def __iter__(self):
        token = data_version()["token"]
        if _choices_cache["token"] != token:
            _choices_cache.update(token=token, choices={})
        built = _choices_cache["choices"]
        if self.name not in built:
            built[self.name] = [(str(value), str(label)) for value, label in self.field.iterator(self.field)]
        return iter(built[self.name])


def cached_choices(form):
    """Give the form's model-backed selects their options from this process's cache (`CachedOptions`)."""
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField) and isinstance(field.widget, InlineOptionsSelect):
            # Set as Django's ModelChoiceField does when choices are given (`_choices`, read first by its
            # `choices` property): django-filter's setter would wrap them in a queryset iterator again.
            field._choices = field.widget.choices = CachedOptions(name, field)


def published_ptces():
    return Organisation.objects.published().filter(kind=Organisation.Kind.PTCE).only("id", "name", "slug")


class OrganisationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Rechercher",
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Nom, commune, activité…"}),
    )
    kind = django_filters.MultipleChoiceFilter(
        label="Type de structure",
        choices=Organisation.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": UNKNOWN_VALUE},
    )
    sector = _model_choice("Secteur d'activité", Sector.objects.all(), "slug", "filter_sector", empty_label="Tous")
    theme = _model_choice(
        "Thématique de l'Apes", Theme.objects.only("id", "name", "slug"), "slug", "filter_theme", empty_label="Toutes"
    )
    departement = _model_choice(
        "Département", Department.objects.all(), "code", "filter_department", empty_label="Tous"
    )
    epci = _model_choice(
        "Intercommunalité (EPCI)",
        Epci.objects.only("id", "name", "siren"),
        "siren",
        "filter_epci",
        empty_label="Toutes",
    )
    commune = _model_choice(
        "Commune (code INSEE)",
        Commune.objects.only("id", "name", "insee_code"),
        "insee_code",
        "filter_commune",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6, "pattern": "[0-9AB]{5}"}),
    )
    adherent = django_filters.ChoiceFilter(
        label="Adhésion à l'Apes",
        choices=MEMBER_CHOICES,
        method="filter_member",
        empty_label="Toutes les structures",
        widget=InlineOptionsSelect,
        error_messages={"invalid_choice": UNKNOWN_VALUE},
    )
    ptce = _model_choice("Membre du PTCE", published_ptces(), "slug", "filter_ptce", empty_label="Tous")
    status = django_filters.ChoiceFilter(
        label="Statut",
        choices=Organisation.Status.choices,
        empty_label="En activité ou fermées",
        widget=InlineOptionsSelect,
        error_messages={"invalid_choice": UNKNOWN_VALUE},
    )
    sort = django_filters.ChoiceFilter(
        label="Trier par",
        choices=SortChoices.choices,
        method="keep",
        empty_label=None,
        widget=InlineOptionsSelect,
        error_messages={"invalid_choice": UNKNOWN_VALUE},
    )

    class Meta:
        model = Organisation
        fields = []

    def __init__(self, data=None, queryset=None, **kwargs):
        if queryset is None:
            queryset = Organisation.objects.published()
        super().__init__(data, queryset=queryset, **kwargs)

    @property
    def form(self):
        if not hasattr(self, "_form"):
            cached_choices(super().form)
        return self._form

    # -- filters -----------------------------------------------------------------------------------------

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_sector(self, queryset, name, value):
        through = Organisation.sectors.through
        return queryset.filter(pk__in=through.objects.filter(sector=value).values("organisation_id"))

    def filter_theme(self, queryset, name, value):
        through = Organisation.themes.through
        return queryset.filter(pk__in=through.objects.filter(theme=value).values("organisation_id"))

    def filter_department(self, queryset, name, value):
        return queryset.filter(commune__department=value)

    def filter_epci(self, queryset, name, value):
        return queryset.filter(commune__epci=value)

    def filter_commune(self, queryset, name, value):
        return queryset.filter(commune=value)

    def filter_member(self, queryset, name, value):
        return queryset.filter(is_member=(value == "oui"))

    def filter_ptce(self, queryset, name, value):
        through = Organisation.ptces.through
        return queryset.filter(pk__in=through.objects.filter(to_organisation=value).values("from_organisation_id"))

    def keep(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return queryset.order_by(*self.ordering())

    # -- state shown to people --------------------------------------------------------------------------

    @property
    def cleaned_data(self):
        self.errors  # noqa: B018 -- validates the form once
        return getattr(self.form, "cleaned_data", {})

    @property
    def sort_value(self):
        value = self.cleaned_data.get("sort") or ""
        if not value:
            value = SortChoices.RELEVANCE if self.searching else SortChoices.NAME
        return value

    @property
    def searching(self):
        return bool(normalize(self.cleaned_data.get("q") or ""))

    def ordering(self):
        if self.sort_value == SortChoices.RELEVANCE:
            return ["-search_rank", "search_text", "pk"] if self.searching else ORDERINGS[SortChoices.NAME]
        return ORDERINGS[self.sort_value]

    def filter_errors(self):
        """One French sentence per rejected parameter, for the 400 body of the data endpoints."""
        return filter_error_messages(self.form)

    def active_filters(self):
        """The filters in force, each with a label and the query that removes it (the page number is reset).

        `remove_query` is a QueryDict, for `{% querystring filter.remove_query %}`.
        """
        if not self.is_bound:
            return []
        data = self.cleaned_data
        active = []
        for name in ("q", "kind", "sector", "theme", "departement", "epci", "commune", "adherent", "ptce", "status"):
            value = data.get(name)
            if value in (None, "", []):
                continue
            label = self.form.fields[name].label
            if name == "kind":
                names = dict(Organisation.Kind.choices)
                for kind in value:
                    active.append({"label": label, "value": names[kind], "remove_query": self._without(name, kind)})
                continue
            if name == "q":
                shown = f"« {value} »"
            elif name == "adherent":
                shown = dict(MEMBER_CHOICES)[value]
            elif name == "status":
                shown = dict(Organisation.Status.choices)[value]
            elif name == "departement":
                shown = value.name
            else:
                shown = str(value)
            active.append({"label": label, "value": shown, "remove_query": self._without(name)})
        return active

    def _without(self, name, value=None):
        query = QueryDict(mutable=True)
        for key in self.data:
            if key == "page":
                continue
            for item in self.data.getlist(key):
                if key == name and (value is None or item == value):
                    continue
                if item != "":
                    query.appendlist(key, item)
        return query


class OrganisationDataFilterSet(OrganisationFilterSet):
    """The same filters for the data endpoints, plus a bounding box."""

    bbox = BoundingBoxFilter(label="Zone (ouest,sud,est,nord)")
