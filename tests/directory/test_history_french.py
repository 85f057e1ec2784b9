"""The change history reads in French: a reason on every change, old and new values in full, Oui/Non."""

import pytest
from django.urls import reverse
from django.utils import timezone

from core.history import display_value, word_diff
from directory.models import Organisation
from tests.directory.test_admin_import import as_csv, good_rows, import_file, places  # noqa: F401
from tests.formdata import form_values

pytestmark = pytest.mark.django_db


def history_page(client, organisation):
    return client.get(reverse("admin:directory_organisation_history", args=[organisation.pk])).text


def test_values_read_as_french(organisation):
    assert [display_value(v) for v in (True, False, None, "", ["a", "b"])] == ["Oui", "Non", "—", "—", "a, b"]


def test_a_long_text_shows_a_word_diff():
    old = "Une ressourcerie qui collecte, trie et revend des objets du quotidien dans le Valenciennois depuis 2010."
    new = "Une ressourcerie qui collecte, répare et revend des objets du quotidien dans le Valenciennois depuis 2010."
    before, after = word_diff(old, new)
    assert "<del>trie</del>" in before and "<ins>répare</ins>" in after
    assert "Valenciennois" in before and "Valenciennois" in after


def test_the_history_shows_french_headers_full_values_and_no_account_link(client, administrator, editor, organisation):
    client.force_login(administrator)
    change_url = reverse("admin:directory_organisation_change", args=[organisation.pk])
    data = form_values(client.get(change_url).text, "organisation_form")
    data["name"] = "Un nom nettement plus long que le premier, pour voir la valeur entière"
    data["is_member"] = "" if organisation.is_member else "on"
    assert client.post(change_url, data).status_code == 302

    client.force_login(editor)
    page = history_page(client, organisation)
    assert "Motif" in page and "Modifications" in page and "Changes" not in page
    assert "Un nom nettement plus long que le premier, pour voir la valeur entière" in page
    assert " chars]" not in page
    assert ("Non&nbsp;&rarr;&nbsp;Oui" in page) or ("Oui&nbsp;&rarr;&nbsp;Non" in page)
    assert "True" not in page and "False" not in page
    assert "/auth/user/" not in page


def test_a_revert_says_which_version_it_restores(administrator_client, organisation):
    first = organisation.history.earliest()
    change_url = reverse("admin:directory_organisation_change", args=[organisation.pk])
    data = form_values(administrator_client.get(change_url).text, "organisation_form")
    data["name"] = "Nom modifié par erreur"
    administrator_client.post(change_url, data)
    revert_url = reverse("admin:directory_organisation_simple_history", args=[organisation.pk, first.pk])
    data = form_values(administrator_client.get(revert_url).text, "historicalorganisation_form")
    administrator_client.post(revert_url, data)
    when = timezone.localtime(first.history_date).strftime("%d/%m/%Y %H:%M")
    assert organisation.history.first().history_change_reason == f"Restauration de la version du {when}"


def test_an_import_says_which_file_wrote_the_record(administrator_client, places):  # noqa: F811
    import_file(administrator_client, as_csv(good_rows()), "0")
    record = Organisation.objects.get(slug="chantier-ecole-valenciennois").history.first()
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert record.history_change_reason == f"Import du {today} (fichier organisations.csv)"
