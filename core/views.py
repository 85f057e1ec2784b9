"""The filtered list: one mixin behind every page whose content a django-filter FilterSet selects.

The directory list and map, the dynamics, the initiatives and the publications all read their
filters from the query string the same way, and answer a bad value the same way: **400**, with the
page still rendered — the filter form shows the French message next to the refused field and the
list is empty. A list quietly filtered on the remaining values would pass for the one asked for.
The data endpoints (JSON, GeoJSON) answer the same messages in one shape, through `json_error`.

`carries_session` is the one test of "may this request be signed in?" that the page cache and the header share.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import JsonResponse, QueryDict
from django.utils.functional import cached_property


def json_error(messages, status=400, **extra):
    """The one error body of the JSON endpoints: `{"erreurs": [French sentences], **extra}`, accents kept."""
    return JsonResponse({"erreurs": list(messages), **extra}, status=status, json_dumps_params={"ensure_ascii": False})


def carries_session(request):
    """Whether the request sends a session cookie. Without one nobody is signed in and no message waits in the
    session: the page is the anonymous page (the list may come from the page cache, the header need not load
    the user)."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


class DeferredJoinPaginator(Paginator):
    """A paginator whose pages read only their own rows, however deep (a "deferred join").

    `queryset[offset:offset + n]` makes the database read and throw away `offset` whole rows: page 786 of the
    directory cost 65 ms for 20 rows at 20,000 organisations. Here the offset runs over the primary keys in the
    list's order, which an index on that order serves without reading the table, and only the page's rows are
    read whole: 9 ms (EXPLAIN ANALYZE in bench/RESULTS-misses.md). Still one query; the order, annotations,
    select_related and prefetches are the queryset's own. A DISTINCT queryset keeps plain slicing (PostgreSQL
    wants its ORDER BY columns selected there).

    `listed` and `matched` bound what a list shows, when its view has counted the rows only up to a point (a
    count of every match can cost more than the page, as for a search of a word in every row): `matched` is
    that count, `listed` the most rows shown. `count` is then at most `listed`, `truncated` says that more
    rows matched, and no page goes beyond.
    """

    def __init__(self, object_list, per_page, *args, listed=None, matched=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.listed, self.matched = listed, matched

    @cached_property
    def count(self):
        if self.listed is None:
            return super().count
        return min(self.matched, self.listed)

    @property
    def truncated(self):
        return self.listed is not None and self.matched > self.listed

    def page(self, number):
        if self.object_list.query.distinct:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=keys), number, self)


def filter_error_messages(form):
    """One French sentence per refused filter, named by its label, for the page or a 400 body."""
    messages = []
    for name, errors in form.errors.items():
        text = " ".join(errors)
        messages.append(f"Filtre « {form.fields[name].label} » : {text}" if name in form.fields else text)
    return messages


class FilteredListMixin:
    """A ListView (or a page of the same selection, like the map) driven by `filterset_class`.

    The FilterSet is always bound to the query string, even an empty one: no filter is a valid state,
    and the FilterSet applies its defaults (a sort order) the same way with or without filters.
    Unknown parameters are not filters and are ignored. Refused values answer 400 whatever the page
    asked (`?sector=inconnu&page=2` is not a 404); otherwise pages past the end answer 404 (ListView).

    Context: `filterset` (its form goes to includes/filter_form.html), `filter_errors` (the French
    messages, empty when every value is valid), `is_filtered`, and `filter_query`: the filter
    parameters without `page` or empty values, for links to the same selection elsewhere
    (`{% url 'directory:map' %}{% querystring filter_query %}`).
    """

    filterset_class = None

    def get_base_queryset(self):
        """What the filters narrow down; None lets the FilterSet use its own default."""
        return None

    def get_filterset(self):
        if not hasattr(self, "filterset"):
            self.filterset = self.filterset_class(
                self.request.GET, queryset=self.get_base_queryset(), request=self.request
            )
        return self.filterset

    def get_queryset(self):
        filterset = self.get_filterset()
        if not filterset.is_valid():
            return filterset.queryset.none()
        return filterset.qs

    def get_paginate_by(self, queryset):
        if not self.get_filterset().is_valid():
            return None  # the 400 page lists nothing: no page number to check
        return super().get_paginate_by(queryset)

    def get_filter_query(self):
        filters = self.get_filterset().filters
        query = QueryDict(mutable=True)
        for key, values in self.request.GET.lists():
            kept = [value for value in values if value != ""]
            if key in filters and kept:
                query.setlist(key, kept)
        return query

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.get_filterset()
        filter_query = self.get_filter_query()
        context.update(
            filterset=filterset,
            filter_errors=filter_error_messages(filterset.form),
            filter_query=filter_query,
            is_filtered=bool(filter_query),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        if context["filter_errors"]:
            response_kwargs.setdefault("status", 400)
        return super().render_to_response(context, **response_kwargs)
