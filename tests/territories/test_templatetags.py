"""The plain-text-to-HTML filter used for dynamics and case studies."""

from territories.templatetags.territories_tags import paragraphs


def test_blank_lines_make_paragraphs_and_dashes_make_lists():
    html = paragraphs("Un contexte.\n\nCe qui compte :\n- la confiance ;\n- le temps.\n\nFin.")
    assert html == (
        "<p>Un contexte.</p><p>Ce qui compte :</p><ul><li>la confiance ;</li><li>le temps.</li></ul><p>Fin.</p>"
    )


def test_everything_is_escaped():
    html = paragraphs('<script>alert("x")</script>\n- <b>gras</b>')
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "<li>&lt;b&gt;gras&lt;/b&gt;</li>" in html


def test_empty_text_gives_nothing():
    assert paragraphs("") == ""
    assert paragraphs(None) == ""
