"""Staff roles: editors manage content, never accounts; administrators manage everything."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from apes_portal.roles import ADMINISTRATOR_GROUP, CONTENT_APPS, EDITOR_GROUP, sync_roles
from directory.models import Organisation
from tests.formdata import form_values

pytestmark = pytest.mark.django_db


def test_migrations_create_both_groups():
    editors = Group.objects.get(name=EDITOR_GROUP)
    administrators = Group.objects.get(name=ADMINISTRATOR_GROUP)
    assert administrators.permissions.count() == Permission.objects.count()
    assert editors.permissions.filter(content_type__app_label="auth").count() == 0
    assert not editors.permissions.filter(codename="change_organisationmembership").exists()


def test_editors_can_manage_every_content_model_including_later_ones():
    """Models of every content app — those other apps added after the roles migration too."""
    codenames = set(Group.objects.get(name=EDITOR_GROUP).permissions.values_list("content_type__app_label", "codename"))
    for label in CONTENT_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.model_name == "organisationmembership":
                continue
            for action in ("add", "change", "delete", "view"):
                assert (label, f"{action}_{model._meta.model_name}") in codenames, (label, model.__name__, action)


def test_sync_roles_is_idempotent_and_repairs_a_group():
    editors = Group.objects.get(name=EDITOR_GROUP)
    expected = set(editors.permissions.values_list("pk", flat=True))
    editors.permissions.clear()
    sync_roles()
    sync_roles()
    assert set(editors.permissions.values_list("pk", flat=True)) == expected
    assert Group.objects.filter(name__in=[EDITOR_GROUP, ADMINISTRATOR_GROUP]).count() == 2


@pytest.mark.parametrize(
    "url_name", ["admin:auth_user_changelist", "admin:auth_group_changelist", "admin:auth_user_add"]
)
def test_editor_cannot_reach_users_or_groups(editor_client, url_name):
    assert editor_client.get(reverse(url_name)).status_code == 403


def test_editor_cannot_open_a_user_page(editor_client, administrator):
    response = editor_client.get(reverse("admin:auth_user_change", args=[administrator.pk]))
    assert response.status_code == 403


def test_editor_cannot_attach_member_accounts(editor_client):
    assert editor_client.get(reverse("admin:directory_organisationmembership_changelist")).status_code == 403


def test_editor_admin_index_shows_content_not_accounts(editor_client):
    html = editor_client.get(reverse("admin:index")).text
    assert "Organisations" in html
    assert reverse("admin:auth_user_changelist") not in html
    assert reverse("admin:auth_group_changelist") not in html


def test_editor_edits_an_organisation(editor_client, editor, organisation):
    url = reverse("admin:directory_organisation_change", args=[organisation.pk])
    data = form_values(editor_client.get(url).text, "organisation_form")
    data["short_description"] = "Une recyclerie qui forme aux métiers du réemploi."
    assert editor_client.post(url, data).status_code == 302
    organisation.refresh_from_db()
    assert organisation.short_description == "Une recyclerie qui forme aux métiers du réemploi."
    assert organisation.history.first().history_user == editor


def test_editor_can_import_organisations(editor_client):
    assert editor_client.get(reverse("admin:directory_organisation_import")).status_code == 200


def test_staff_without_a_group_sees_nothing(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="dora", is_staff=True))
    assert client.get(reverse("admin:directory_organisation_changelist")).status_code == 403


def test_visitor_is_sent_to_login(client):
    response = client.get(reverse("admin:directory_organisation_changelist"))
    assert response.status_code == 302
    assert Organisation.objects.count() == 0
