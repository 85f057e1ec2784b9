"""The one JSON error answer (core.views.json_error)."""

import json

from core.views import json_error


def test_json_error_answers_french_sentences_with_their_accents():
    response = json_error(["Paramètre inconnu : « departemnt »."], parametres_acceptes=["departement"])
    assert response.status_code == 400
    assert "« departemnt »".encode() in response.content  # not \u00ab escapes
    assert json.loads(response.content) == {
        "erreurs": ["Paramètre inconnu : « departemnt »."],
        "parametres_acceptes": ["departement"],
    }
