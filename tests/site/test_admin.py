"""The staff admin as a whole: every registered admin opens, under the site's name, without giant selects."""

import pytest
from django.contrib import admin
from django.urls import reverse

from directory.models import Organisation

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_registered_admin_lists_and_adds(administrator_client, administrator, rf):
    """Walks admin.site._registry, so the admins of every app (territories, proposals…) are covered."""
    request = rf.get("/")
    request.user = administrator
    assert admin.site._registry, "no admin registered"
    for model, model_admin in admin.site._registry.items():
        response = administrator_client.get(admin_url(model, "changelist"))
        assert response.status_code == 200, f"{model.__name__} changelist: {response.status_code}"
        if model_admin.has_add_permission(request):
            response = administrator_client.get(admin_url(model, "add"))
            assert response.status_code == 200, f"{model.__name__} add page: {response.status_code}"


def test_every_searchable_admin_answers_a_search(administrator_client):
    """Staff type a name in any list's search box: the results open (a search override copied onto a model
    without its fields once made two lists answer 500)."""
    searchable = [model for model, model_admin in admin.site._registry.items() if model_admin.search_fields]
    assert searchable
    for model in searchable:
        response = administrator_client.get(admin_url(model, "changelist"), {"q": "Lens"})
        assert response.status_code == 200, f"{model.__name__} search: {response.status_code}"


def test_site_name_in_admin_header(administrator_client):
    response = administrator_client.get(reverse("admin:index"))
    assert "Apes Hauts-de-France — administration" in response.text


def test_no_admin_renders_a_giant_select_of_communes_epci_or_organisations(rf, administrator):
    """Thousands of rows: every admin form (all apps, inlines too) uses an autocomplete for these relations."""
    from django.contrib.admin.widgets import AutocompleteMixin, ForeignKeyRawIdWidget, ManyToManyRawIdWidget
    from django.forms import ModelChoiceField

    from territories.models import Commune, Epci

    big_models = {Commune, Epci, Organisation}
    request = rf.get("/")
    request.user = administrator
    offenders = []
    for model_admin in admin.site._registry.values():
        forms = [(type(model_admin).__name__, model_admin.get_form(request), None)]
        for inline in model_admin.get_inline_instances(request):
            formset = inline.get_formset(request)
            forms.append((type(inline).__name__, formset.form, formset.fk.name))  # the fk to the parent is hidden
        for name, form_class, parent_fk in forms:
            for field_name, field in form_class.base_fields.items():
                if field_name == parent_fk:
                    continue
                if not isinstance(field, ModelChoiceField) or field.queryset.model not in big_models:
                    continue
                widget = getattr(field.widget, "widget", field.widget)  # RelatedFieldWidgetWrapper
                if not isinstance(widget, AutocompleteMixin | ForeignKeyRawIdWidget | ManyToManyRawIdWidget):
                    offenders.append(f"{name}.{field_name}")
    assert offenders == []
