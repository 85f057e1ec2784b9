"""The list's filter options: built once per data version, rendered without a template per option."""

import re

import pytest
from django.urls import reverse

from tests.directory.test_list import LIST_QUERIES
from tests.factories import EpciFactory, OrganisationFactory, SectorFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("directory:organisation-list")
# Sectors, themes, departments, EPCI and PTCE: the five option lists of the filter form.
OPTION_QUERIES = 5


@pytest.fixture
def listed(db):
    sector = SectorFactory(slug="mobilite", name="Mobilité")
    OrganisationFactory(name="Atelier vélo", slug="atelier-velo").sectors.add(sector)
    EpciFactory(siren="245901160", name="CA Valenciennes Métropole")
    return sector


def test_the_options_are_queried_once_then_reused_on_other_pages(visitor, listed, django_assert_num_queries):
    with django_assert_num_queries(LIST_QUERIES):
        visitor.get(LIST_URL)
    # Another query string: the page cache misses, the options do not (nor the data version, which the process
    # keeps a copy of until the next change).
    # (nor the sectors the cards name, read once per data version with the options: directory/taxonomy.py).
    with django_assert_num_queries(LIST_QUERIES - OPTION_QUERIES - 1 - 1):
        response = visitor.get(LIST_URL, {"sort": "-nom"})
    assert '<option value="mobilite">Mobilité</option>' in response.content.decode()


def test_a_renamed_sector_or_epci_shows_at_once_in_the_options(visitor, listed):
    visitor.get(LIST_URL)
    listed.name = "Mobilité douce"
    listed.save()
    epci = EpciFactory._meta.model.objects.get(siren="245901160")
    epci.name = "Valenciennes Métropole"
    epci.save()
    body = visitor.get(LIST_URL, {"sort": "-nom"}).content.decode()
    assert '<option value="mobilite">Mobilité douce</option>' in body
    assert '<option value="245901160">Valenciennes Métropole</option>' in body


def test_the_chosen_option_is_selected_and_its_label_escaped(visitor, listed):
    SectorFactory(slug="arts", name="Arts & <culture>")
    body = visitor.get(LIST_URL, {"sector": "mobilite"}).content.decode()
    assert '<option value="mobilite" selected>Mobilité</option>' in body
    assert '<option value="arts">Arts &amp; &lt;culture&gt;</option>' in body
    assert '<select name="sector" id="id_sector">' in body


def test_a_refused_value_still_marks_its_select_invalid(visitor, listed):
    response = visitor.get(LIST_URL, {"sector": "inconnu"})
    assert response.status_code == 400
    (select,) = re.findall(r'<select name="sector"[^>]*>', response.content.decode())
    assert 'aria-invalid="true"' in select
    assert 'aria-describedby="id_sector_error"' in select


def test_the_kind_checkboxes_keep_their_labels_state_and_colour_dots(visitor, listed):
    body = visitor.get(LIST_URL, {"kind": ["scop", "association"]}).content.decode()
    checkboxes = re.findall(r'<label class="check" for="(id_kind_\d+)"><input ([^>]*)>(<span [^>]*></span>)', body)
    assert len(checkboxes) == len(OrganisationFactory._meta.model.Kind.choices)
    for label_for, attributes, dot in checkboxes:
        assert f'id="{label_for}"' in attributes  # each label names its own input
        value = re.search(r'value="([^"]+)"', attributes).group(1)
        assert ("checked" in attributes) == (value in {"scop", "association"})
        assert dot == f'<span class="kind-dot kind--{value}" aria-hidden="true"></span>'


def test_a_refused_kind_marks_each_checkbox_invalid(visitor, listed):
    response = visitor.get(LIST_URL, {"kind": "inconnu"})
    assert response.status_code == 400
    inputs = re.findall(r'<input type="checkbox" name="kind"[^>]*>', response.content.decode())
    assert inputs and all('aria-invalid="true"' in tag for tag in inputs)
