"""Every filtered list of the site answers a bad filter value the same way (core.views.FilteredListMixin).

The directory list and map, the dynamics, the initiatives and the publications: 400, the page still
rendered with the one filter form, the French message next to the refused field and tied to it, a
summary linking to the field, and no results.
"""

import pytest
from django.urls import resolve, reverse

from core.views import FilteredListMixin

pytestmark = pytest.mark.django_db

# (URL name, a refused parameter, its French message, the results in the context)
BAD_VALUES = [
    ("directory:organisation-list", "sector", "Cette valeur n&#x27;est pas connue pour ce filtre.", "organisations"),
    ("directory:map", "departement", "Cette valeur n&#x27;est pas connue pour ce filtre.", None),
    ("territories:dynamic-list", "theme", "Cette thématique n&#x27;existe pas.", "dynamics"),
    ("territories:initiative-list", "kind", "Ce format n&#x27;existe pas.", "initiatives"),
    ("publications:publication-list", "collection", "Sélectionnez un choix valide.", "publications"),
]


@pytest.mark.parametrize(("url_name", "name", "message", "results"), BAD_VALUES)
def test_a_refused_filter_value_answers_400_with_its_french_message_next_to_the_field(
    visitor, url_name, name, message, results
):
    response = visitor.get(reverse(url_name), {name: "inconnu"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Un des filtres demandés n'est pas valide." in body
    assert f'<ul class="errorlist" id="id_{name}_error"><li>{message}' in body
    assert f'aria-describedby="id_{name}_error"' in body
    assert f'<a href="#id_{name}">' in body  # the summary leads to the field
    assert body.count("data-filter-form") == 1  # the one partial
    assert response.context["filter_errors"][0].startswith("Filtre « ")
    if results:
        assert list(response.context[results]) == []


@pytest.mark.parametrize(("url_name", "name", "message", "results"), BAD_VALUES)
def test_a_refused_filter_is_a_400_on_any_page_number(visitor, url_name, name, message, results):
    assert visitor.get(reverse(url_name), {name: "inconnu", "page": "2"}).status_code == 400


@pytest.mark.parametrize("url_name", [url_name for url_name, *_ in BAD_VALUES])
def test_unknown_parameters_are_not_filters(visitor, url_name):
    response = visitor.get(reverse(url_name), {"utm_source": "lettre", "fbclid": "x"})
    assert response.status_code == 200
    assert response.context["filter_errors"] == []
    assert not response.context["is_filtered"]


@pytest.mark.parametrize("url_name", [url_name for url_name, *_ in BAD_VALUES])
def test_every_filtered_list_uses_the_one_mixin(url_name):
    assert issubclass(resolve(reverse(url_name)).func.view_class, FilteredListMixin)
