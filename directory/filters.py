"""The one FilterSet behind the directory list, the map data and the CSV export.

One query string means the same thing everywhere: `/annuaire/?sector=alimentation&departement=62`,
`/carte/?sector=alimentation&departement=62` and `/api/organisations.geojson?sector=alimentation&departement=62`
show the same organisations. Published organisations only.

Bad values never raise: the form marks them invalid, and every page or endpoint reading this FilterSet
answers 400 with the French messages (core.views.FilteredListMixin for the pages, `filter_errors` for
the data endpoints).
"""

import math
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import F, FloatField
from django.db.models.functions import Sqrt
from django.http import QueryDict
from django.utils.choices import BaseChoiceIterator

from core.data import per_data_version
from core.text import normalize
from core.views import filter_error_messages
from directory.models import Organisation, Sector
from directory.search import SEARCH_LISTED
from directory.taxonomy import published_ptces
from directory.widgets import InlineCheckboxSelectMultiple, InlineOptionsSelect
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


# `sort_name` is the normalised name: sorting on it ignores case and accents the same way on PostgreSQL and
# SQLite ("Épicerie" between "Compost" and "Maison", not after "Z"). Commune slugs likewise.
ORDERINGS = {
    SortChoices.NAME: ["sort_name", "pk"],
    SortChoices.NAME_DESC: ["-sort_name", "-pk"],
    SortChoices.COMMUNE: ["commune__slug", "sort_name", "pk"],
    SortChoices.RECENT: ["-created_at", "-pk"],
}

MEMBER_CHOICES = [("oui", "Adhérents de l'Apes"), ("non", "Non adhérents")]

RADIUS_CHOICES = [("5", "5 km"), ("10", "10 km"), ("20", "20 km"), ("50", "50 km")]
#: Hauts-de-France with a margin (WGS 84 degrees): a visitor's position outside is refused, not searched.
REGION_BOUNDS = {"south": 48.6, "north": 51.3, "west": 1.2, "east": 4.5}
# Kilometres per degree of latitude; a degree of longitude is this times cos(latitude). An equirectangular
# distance is within 0.1 % of the great-circle one at 50 km, and needs only arithmetic, which SQLite and
# PostgreSQL both do (no GIS extension).
KM_PER_DEGREE = 111.2


@dataclass
class CommuneChoice:
    """The commune filter's value: what was typed and the communes it designates (several for homonyms)."""

    query: str
    communes: list
    exact: bool

    @property
    def is_ambiguous(self):
        return len(self.communes) > 1

    def __str__(self):
        if self.is_ambiguous:
            return f"« {self.query} » ({len(self.communes)} communes)"
        return self.communes[0].name


class CommuneField(forms.CharField):
    """A commune as people say it: a name (any case or accents), a postal code or an INSEE code.

    Homonyms are kept together (the page offers to pick one); nothing found is the only refusal.
    """

    MAX_LENGTH = 100

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        if len(text) > self.MAX_LENGTH:
            raise forms.ValidationError("Ce nom de commune est trop long.", code="max_length")
        lookup = Commune.objects.select_related("department").lookup(text)
        if lookup.commune is not None:
            return CommuneChoice(text, [lookup.commune], lookup.exact)
        if lookup.candidates:
            return CommuneChoice(text, list(lookup.candidates), lookup.exact)
        raise forms.ValidationError(
            "Aucune commune ne correspond à « %(value)s » : écrivez son nom, son code postal ou son code INSEE.",
            code="unknown",
            params={"value": text},
        )


class CommuneFilter(django_filters.Filter):
    field_class = CommuneField


class OrganisationFilterForm(forms.Form):
    """The filters' cross-field rules: "Autour de" needs a centre, inside the region."""

    def clean(self):
        cleaned = super().clean()
        radius = cleaned.get("autour")
        latitude, longitude = cleaned.get("lat"), cleaned.get("lon")
        # Messages go on the visible "Autour de" field: the position's fields are hidden.
        if (latitude is None) != (longitude is None):
            self.add_error("autour", "Indiquez la latitude et la longitude de la position, ou aucune des deux.")
            return cleaned
        if latitude is not None:
            inside = REGION_BOUNDS["south"] <= latitude <= REGION_BOUNDS["north"]
            inside = inside and REGION_BOUNDS["west"] <= longitude <= REGION_BOUNDS["east"]
            if not inside:
                self.add_error("autour", "Cette position est hors des Hauts-de-France : choisissez plutôt une commune.")
        if radius and latitude is None and "commune" not in self.errors:
            commune = cleaned.get("commune")
            if commune is None:
                self.add_error("autour", "Pour chercher autour, indiquez une commune ou utilisez votre position.")
            elif commune.is_ambiguous:
                self.add_error("commune", "Plusieurs communes portent ce nom : choisissez-en une pour chercher autour.")
        return cleaned


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


@per_data_version("directory")
def _built_options():
    """The options of the model-backed selects, built once per data version of the directory (every change to
    organisations, sectors, themes, departments and EPCI bumps it) and kept in this process: {filter name:
    [(value, label), …]}, each list filled on its first use. Validating a value still asks the database (one
    query per filter used), so a stale option could never be accepted."""
    return {}


class CachedOptions(BaseChoiceIterator):
    """The options of one model-backed select, read from the process cache, built on first iteration.

    Lazy, so that the data endpoints, which validate the same form but never render it, run no query (a
    `BaseChoiceIterator`, which Django's widgets keep as it is instead of reading it when it is set).
    """

    def __init__(self, name, field):
        self.name, self.field = name, field

    def __iter__(self):
        built = _built_options()
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


class OrganisationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Rechercher",
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Nom, commune, activité…"}),
    )
    kind = django_filters.MultipleChoiceFilter(
        label="Type de structure",
        choices=Organisation.Kind.choices,
        widget=InlineCheckboxSelectMultiple(swatch_prefix="kind--"),
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
    commune = CommuneFilter(
        label="Commune (nom, code postal ou INSEE)",
        method="filter_commune",
        widget=forms.TextInput(attrs={"list": "commune-suggestions", "autocomplete": "off", "size": 20}),
    )
    autour = django_filters.ChoiceFilter(
        label="Autour de la commune",
        choices=RADIUS_CHOICES,
        method="keep",  # applied with the commune or the position, in filter_queryset
        empty_label="Dans la commune seulement",
        widget=InlineOptionsSelect,
        error_messages={"invalid_choice": "Le rayon doit être 5, 10, 20 ou 50 km."},
    )
    lat = django_filters.NumberFilter(
        label="Latitude de votre position", method="keep", widget=forms.HiddenInput, min_value=-90, max_value=90
    )
    lon = django_filters.NumberFilter(
        label="Longitude de votre position", method="keep", widget=forms.HiddenInput, min_value=-180, max_value=180
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

    search_listed = SEARCH_LISTED

    class Meta:
        model = Organisation
        fields = []
        form = OrganisationFilterForm

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
        if self.radius_km:
            return queryset  # the commune is then the centre of the circle (filter_queryset)
        return queryset.filter(commune__in=value.communes)

    @property
    def radius_km(self):
        """The "Autour de" radius in force (a number of km), or None."""
        value = self.cleaned_data.get("autour")
        return int(value) if value else None

    def centre(self):
        """(latitude, longitude) of the circle: the visitor's position, else the commune's centre."""
        data = self.cleaned_data
        if data.get("lat") is not None:
            return float(data["lat"]), float(data["lon"])
        commune = data["commune"].communes[0]
        return commune.latitude, commune.longitude

    def within_radius(self, queryset):
        """Organisations within the radius, each annotated with `distance_km` (a bounding box first, indexed)."""
        latitude, longitude = self.centre()
        radius = self.radius_km
        per_degree_lon = KM_PER_DEGREE * math.cos(math.radians(latitude))
        queryset = queryset.filter(
            latitude__gte=latitude - radius / KM_PER_DEGREE,
            latitude__lte=latitude + radius / KM_PER_DEGREE,
            longitude__gte=longitude - radius / per_degree_lon,
            longitude__lte=longitude + radius / per_degree_lon,
        )
        north = (F("latitude") - latitude) * KM_PER_DEGREE
        east = (F("longitude") - longitude) * per_degree_lon
        distance = Sqrt(north * north + east * east, output_field=FloatField())
        return queryset.annotate(distance_km=distance).filter(distance_km__lte=radius)

    def filter_member(self, queryset, name, value):
        return queryset.filter(is_member=(value == "oui"))

    def filter_ptce(self, queryset, name, value):
        through = Organisation.ptces.through
        return queryset.filter(pk__in=through.objects.filter(to_organisation=value).values("from_organisation_id"))

    def keep(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.radius_km:
            queryset = self.within_radius(queryset)
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

    @property
    def nearest_first(self):
        return bool(self.radius_km) and self.cleaned_data.get("sort") in (None, "", SortChoices.RELEVANCE)

    @property
    def ranked(self):
        """Whether the rows go by search rank (a search, sorted by relevance, not around a place)."""
        return self.searching and self.sort_value == SortChoices.RELEVANCE and not self.nearest_first

    def ordering(self):
        if self.nearest_first:
            return ["distance_km", "sort_name", "pk"]  # around a place, the most relevant is the nearest
        if self.sort_value == SortChoices.RELEVANCE:
            return ["-search_rank", "sort_name", "pk"] if self.searching else ORDERINGS[SortChoices.NAME]
        return ORDERINGS[self.sort_value]

    def listing(self, queryset):
        """`(queryset, bounds)`: the selection as a list page shows it, and `DeferredJoinPaginator`'s
        `listed` and `matched` for it (none when it is not a search).

        A search lists at most `search_listed` matches (`directory.search.SEARCH_LISTED`), counted by one
        query that the paginator reuses. Past that many, it lists the most recently added ones, in the order
        asked, by name for a ranked search (ranking reads every match). They are read by the primary key's
        index, whose order owes nothing to the words; walking the name index instead until a page is full
        costs whatever the alphabet puts first: 0.7 s to reach the first « Ludothèque » of 200,000 rows.
        """
        if not (self.is_valid() and self.searching):
            return queryset, {}
        # Counted without the rank or the order: ranking is what costs (one ts_rank per match).
        matched = queryset.order_by().values("pk")[: self.search_listed + 1].count()
        if matched > self.search_listed:
            recent = queryset.order_by("-pk").values("pk")[: self.search_listed]
            shown = self.queryset.filter(pk__in=recent)  # the base rows, without the filters' conditions again
            if self.radius_km:
                shown = self.within_radius(shown)  # for each card's distance and the nearest-first order
            ordering = ORDERINGS[SortChoices.NAME] if self.ranked else self.ordering()
            queryset = shown.order_by(*ordering)
        return queryset, {"listed": self.search_listed, "matched": matched}

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
        names = ("q", "kind", "sector", "theme", "departement", "epci", "commune", "autour", "adherent", "ptce")
        for name in (*names, "status"):
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
            elif name == "autour":
                shown = f"{value} km" + (" de votre position" if data.get("lat") is not None else "")
            else:
                shown = str(value)
            active.append({"label": label, "value": shown, "remove_query": self._without(name)})
        return active

    def commune_candidates(self):
        """When the commune typed names several, each with its department and the query that picks it."""
        commune = self.cleaned_data.get("commune") if self.is_bound else None
        if commune is None or not commune.is_ambiguous:
            return []
        candidates = []
        for candidate in commune.communes:
            query = self._without("commune")
            query["commune"] = candidate.insee_code
            candidates.append({"commune": candidate, "department": candidate.department, "query": query})
        return candidates

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


class OrganisationFeedFilterSet(OrganisationDataFilterSet):
    """The data filters for the GoGoCarto feed, whose importers send the viewport as `bounds`."""

    bounds = BoundingBoxFilter(
        label="Zone (bounds)",
        error_messages={
            "invalid": "La zone (bounds) doit s'écrire ouest,sud,est,nord en degrés décimaux, "
            "par exemple 2.9,50.5,3.2,50.7."
        },
    )
