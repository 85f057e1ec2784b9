"""Change history of organisations: who changed what, the diff, and a revert that restores the old values."""

import pytest
from django.urls import reverse

from directory.models import Organisation
from tests.formdata import form_values

pytestmark = pytest.mark.django_db


def change_url(organisation):
    return reverse("admin:directory_organisation_change", args=[organisation.pk])


def test_an_edit_is_recorded_with_its_author_and_diff(administrator_client, administrator, organisation):
    original_name = organisation.name
    data = form_values(administrator_client.get(change_url(organisation)).text, "organisation_form")
    data["name"] = "La Fabrique solidaire"
    response = administrator_client.post(change_url(organisation), data)
    assert response.status_code == 302, response.content.decode()[:2000]

    organisation.refresh_from_db()
    assert organisation.name == "La Fabrique solidaire"
    latest = organisation.history.first()
    assert latest.history_user == administrator
    assert latest.history_type == "~"

    history_page = administrator_client.get(reverse("admin:directory_organisation_history", args=[organisation.pk]))
    assert history_page.status_code == 200
    assert original_name in history_page.text
    assert "La Fabrique solidaire" in history_page.text
    assert "alice" in history_page.text


def test_revert_restores_the_previous_version(administrator_client, organisation):
    original = {"name": organisation.name, "short_description": organisation.short_description}
    first_version = organisation.history.earliest()

    data = form_values(administrator_client.get(change_url(organisation)).text, "organisation_form")
    data.update({"name": "Nom modifié par erreur", "short_description": "Texte à annuler."})
    assert administrator_client.post(change_url(organisation), data).status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Nom modifié par erreur"

    revert_url = reverse("admin:directory_organisation_simple_history", args=[organisation.pk, first_version.pk])
    revert_page = administrator_client.get(revert_url)
    assert revert_page.status_code == 200
    data = form_values(revert_page.text, "historicalorganisation_form")
    assert data["name"] == original["name"]  # the form shows the old version
    response = administrator_client.post(revert_url, data)
    assert response.status_code == 302

    organisation.refresh_from_db()
    assert organisation.name == original["name"]
    assert organisation.short_description == original["short_description"]
    assert organisation.history.count() == 3  # creation, edit, revert


def test_editor_sees_history(editor_client, organisation):
    response = editor_client.get(reverse("admin:directory_organisation_history", args=[organisation.pk]))
    assert response.status_code == 200


def test_history_is_kept_after_deletion(administrator_client, organisation):
    pk = organisation.pk
    organisation.delete()
    assert Organisation.history.filter(id=pk, history_type="-").exists()
