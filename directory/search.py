"""Forgiving French search over the organisations' stored, normalised `search_text` column.

The text is folded by `core.text.normalize` on save; the same column serves a trigram index on
PostgreSQL and a plain `LIKE` fallback on SQLite.
"""

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, F, FloatField, Q, TextField, Value, When
from django.db.models.functions import Concat, StrIndex
from django.db.models.lookups import GreaterThan

from core.text import normalize

# Words shorter than this are too noisy for trigram matching ("de", "la", "du"): a query made only
# of them falls back to a plain substring match.
MIN_TRIGRAM_WORD = 3


def search_filter(queryset, query):
    """Filter `queryset` (organisations) on the normalised `search_text` column, then rank it.

    PostgreSQL: every word of three letters or more must be word-similar to the search text (pg_trgm
    `%>`, threshold 0.6: about one typo in a word of seven letters or more), so words may come from the
    name, the commune or the description, in any order; shorter words must start a word of the text.
    All the words go into one condition that a
    single scan of the GIN trigram index serves. An OR with a LIKE arm or a whole-query arm looked
    more forgiving but made the planner's estimate of two index scans exceed its (much too cheap)
    estimate of a sequential scan: on 20,000 rows that meant 0.8-2.8 s instead of ~20 ms (see
    docs/directory.md, "Search"). Rows are annotated with `search_rank`: trigram word similarity of the
    whole query plus a French full-text rank (`ts_rank` on the already unaccented text).

    SQLite: each word must be a substring of the search text (accent-, case- and punctuation-
    insensitive thanks to the normalisation, no typo tolerance); `search_rank` favours names that
    start with the query.

    The search text holds a space-free copy of the name (see `Organisation.build_search_text`), so a
    query typed without spaces ("activcites") matches on both databases.
    """
    normalised = normalize(query)
    if not normalised:
        return queryset
    words = normalised.split()
    if connection.vendor == "postgresql":
        long_words = [word for word in words if len(word) >= MIN_TRIGRAM_WORD]
        if long_words:
            condition = Q()
            for word in long_words:
                condition &= Q(TrigramWordSimilar(F("search_text"), Value(word)))
            # Short words ("3" in "pôle 3") must start a word. Written as strpos() on an expression so
            # they filter the rows the index found: as a LIKE, the planner would push them into the
            # index condition, where two-letter patterns scan the whole index (0.3 s on 20,000 rows).
            padded = Concat(Value(" "), F("search_text"), output_field=TextField())
            for word in words:
                if len(word) < MIN_TRIGRAM_WORD:
                    condition &= Q(GreaterThan(StrIndex(padded, Value(f" {word}")), 0))
        else:
            condition = Q(search_text__contains=normalised)
        rank = TrigramWordSimilarity(Value(normalised), "search_text") + SearchRank(
            SearchVector("search_text", config="french"),
            SearchQuery(normalised, config="french", search_type="plain"),
        )
        return queryset.filter(condition).annotate(search_rank=rank)
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
