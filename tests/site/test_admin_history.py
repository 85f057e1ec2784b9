"""Every history in the admin reads in French (core.history.FrenchHistoryAdmin), whichever app the model is in."""

import pytest
from django.contrib import admin
from django.urls import reverse

from core.history import FrenchHistoryAdmin
from tests.factories import CampaignFactory, DynamicFactory

pytestmark = pytest.mark.django_db


def test_every_model_with_a_history_has_the_french_history_admin():
    with_history = [
        (model._meta.label, type(model_admin).__name__)
        for model, model_admin in admin.site._registry.items()
        if hasattr(model, "history") and not isinstance(model_admin, FrenchHistoryAdmin)
    ]
    assert with_history == []


@pytest.mark.parametrize("factory", [CampaignFactory, DynamicFactory], ids=["campaign", "dynamic"])
def test_a_history_page_outside_the_directory_reads_in_french(administrator_client, factory):
    obj = factory(is_published=True)
    obj.is_published = False
    obj._change_reason = "Dépubliée le temps de la relecture"
    obj.save()
    meta = obj._meta
    page = administrator_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[obj.pk])).text
    assert "Motif" in page and "Dépubliée le temps de la relecture" in page
    assert "Oui&nbsp;&rarr;&nbsp;Non" in page
    assert "True" not in page and "Changes" not in page
