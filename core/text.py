"""French text folding shared by search, slugs, commune lookups and the PDF fonts.

PostgreSQL cannot index `unaccent(name)` (the function is STABLE, not IMMUTABLE), so searchable
models store a normalised copy of their text, folded here in Python on save: lowercase, no
accents, punctuation and apostrophes turned into spaces.
"""

import re
import unicodedata

#: Ligatures that NFKD normalisation silently drops: "Cœuvres" must not become "cuvres".
LIGATURES = {"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae"}
_LIGATURE_TABLE = str.maketrans(LIGATURES)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold_ligatures(text):
    """`text` with œ and æ spelt out ("Cœur" gives "Coeur")."""
    return str(text).translate(_LIGATURE_TABLE)


def normalize(text):
    """Fold `text` to lowercase ASCII words separated by single spaces.

    >>> normalize("Activ'Cités — L'Œuvre")
    'activ cites l oeuvre'
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", fold_ligatures(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", stripped.lower()).strip()


def compact(text):
    """The normalised text without spaces, so that "activcites" finds "Activ'Cités"."""
    return normalize(text).replace(" ", "")
