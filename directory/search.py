"""Text normalisation for forgiving French search.

PostgreSQL cannot index `unaccent(name)` (the function is STABLE, not IMMUTABLE), so each
organisation stores a normalised copy of its searchable text, folded here in Python on save:
lowercase, no accents, punctuation and apostrophes turned into spaces. The same column
serves a trigram index on PostgreSQL and a plain `LIKE` fallback on SQLite.
"""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize(text):
    """Fold `text` to lowercase ASCII words separated by single spaces.

    >>> normalize("Activ'Cités — L'Œuvre")
    'activ cites l oeuvre'
    """
    if not text:
        return ""
    text = str(text).replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", stripped.lower()).strip()
