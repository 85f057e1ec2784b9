"""Forgiving French search over the organisations' stored, normalised text.

The text is folded by `core.text.normalize` on save into `search_text`. On PostgreSQL, migration 0008 adds
a generated `search_vector` column (French full text of that unaccented text, the name's words weighted A)
with a GIN index, next to the trigram index of migration 0002. On SQLite a plain `LIKE` serves.
"""

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import Case, Expression, F, FloatField, Q, TextField, Value, When
from django.db.models.functions import Concat, StrIndex
from django.db.models.lookups import GreaterThan

from core.text import normalize

# Words shorter than this are too noisy for trigram matching ("de", "la", "du").
MIN_TRIGRAM_WORD = 3
# A longer query is cut here (words beyond it are dropped): nobody types more, and every word costs
# one more index condition.
MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
# A list page shows at most this many matches of a search, counted and ranked (`OrganisationFilterSet.listing`).
# Ranking and counting read every match: a word that a third of 200,000 rows contain cost 250 ms a page, most
# of it spent ordering rows nobody pages through. Past this many, the list shows the most recently added ones
# and asks for a more precise search.
SEARCH_LISTED = 1_000


class StoredSearchVector(Expression):
    """The generated `search_vector` column of the queried table (PostgreSQL only; not a model field).

    The table's alias is read at compile time, so the expression stays right inside a relabelled subquery.
    """

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.{connection.ops.quote_name('search_vector')}", []


def clean_query(query):
    """The normalised words of `query`, bounded in length and number."""
    return normalize(str(query)[:MAX_QUERY_LENGTH]).split()[:MAX_WORDS]


def search_filter(queryset, query):
    """Filter `queryset` (organisations) on the stored search text, then rank it as `search_rank`.

    PostgreSQL, in two steps so that the cost follows the number of results, not of rows:

    1. Full text: every word (French stemming, stop words dropped) must be in the stored `search_vector`,
       served by its GIN index; `search_rank` is `ts_rank`, where a word of the name weighs ten times a
       word of the description. A word every row contains costs a bitmap of the matches, never a
       per-row recheck (docs/directory.md, "Search").
    2. Typos: when the full text finds nothing in `queryset` (one probe query, `EXISTS`), every word of
       three letters or more must be word-similar to the search text (pg_trgm `%>`, threshold 0.6: about
       one typo in a word of seven letters), shorter words must start a word; ranked by trigram
       similarity plus the full-text rank. Only misspelt queries reach this step.

    A query made only of stop words ("de la") finds nothing; a query with no letters or digits keeps
    everything.

    SQLite: each word must be a substring of the search text (accent-, case- and punctuation-
    insensitive thanks to the normalisation, no typo tolerance); `search_rank` favours names that
    start with the query.

    The search text holds a space-free copy of the name (see `Organisation.build_search_text`), so a
    query typed without spaces ("activcites") matches on both databases.
    """
    words = clean_query(query)
    if not words:
        return queryset
    normalised = " ".join(words)
    if connection.vendor == "postgresql":
        return _postgresql_search(queryset, normalised, words)
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    rank = Case(
        When(search_text__startswith=normalised, then=Value(2.0)),
        When(search_text__contains=normalised, then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return queryset.filter(condition).annotate(search_rank=rank)


def _postgresql_search(queryset, normalised, words):
    full_text = SearchQuery(normalised, config="french", search_type="plain")
    matches = Q(SearchVectorExact(StoredSearchVector(), full_text))
    full_text_rank = SearchRank(StoredSearchVector(), full_text)
    if queryset.filter(matches).exists():
        return queryset.filter(matches).annotate(search_rank=full_text_rank)
    long_words = [word for word in words if len(word) >= MIN_TRIGRAM_WORD]
    if not long_words:
        # Only short words, none of which the full text knows (stop words, or absent): nothing to
        # forgive, and a substring match would read every row.
        return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
    condition = Q()
    for word in long_words:
        condition &= Q(TrigramWordSimilar(F("search_text"), Value(word)))
    # Short words ("3" in "pôle 3") must start a word. Written as strpos() on an expression so they
    # filter the rows the index found: as a LIKE, the planner would push them into the index
    # condition, where two-letter patterns scan the whole index (0.3 s on 20,000 rows).
    padded = Concat(Value(" "), F("search_text"), output_field=TextField())
    for word in words:
        if len(word) < MIN_TRIGRAM_WORD:
            condition &= Q(GreaterThan(StrIndex(padded, Value(f" {word}")), 0))
    rank = TrigramWordSimilarity(Value(normalised), "search_text") + full_text_rank
    return queryset.filter(condition).annotate(search_rank=rank)
