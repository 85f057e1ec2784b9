"""French text folding: what search, slugs and commune lookups compare, whatever the visitor typed."""

import pytest

from core.text import compact, fold_ligatures, normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Activ'Cités — L'Œuvre", "activ cites l oeuvre"),
        ("ÉCOLE  des   Métiers", "ecole des metiers"),
        ("Saint-Amand-les-Eaux", "saint amand les eaux"),
        ("Cœuvres-et-Valsery", "coeuvres et valsery"),
        ("  l’économie — sociale !  ", "l economie sociale"),
        ("Ça va", "ca va"),
        ("59300", "59300"),
    ],
)
def test_normalize_folds_case_accents_ligatures_and_punctuation(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize("text", ["", None, "—'!?", "   "])
def test_normalize_of_nothing_or_punctuation_only_is_empty(text):
    assert normalize(text) == ""


def test_normalize_is_stable():
    once = normalize("Activ'Cités — L'Œuvre")
    assert normalize(once) == once


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Activ'Cités", "activcites"), ("activ cites", "activcites"), ("L'Œuvre d'Æsope", "loeuvredaesope"), ("", "")],
)
def test_compact_drops_the_spaces_so_run_together_words_match(text, expected):
    assert compact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Cœur", "Coeur"), ("ŒUVRE", "OeUVRE"), ("Lætitia", "Laetitia"), ("Æsope", "Aesope"), ("Élan", "Élan")],
)
def test_fold_ligatures_spells_out_oe_and_ae_and_keeps_accents(text, expected):
    assert fold_ligatures(text) == expected
