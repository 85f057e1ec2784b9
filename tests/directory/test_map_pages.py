"""/carte/ and /carte/embed/: the map pages work without inline scripts; only the embed may be framed."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from tests.factories import EpciFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def map_config(response):
    match = re.search(
        r'<script id="map-config" type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(match.group(1))


def test_the_map_page_carries_its_filters_and_an_accessible_alternative(visitor, db):
    response = visitor.get(reverse("directory:map"), {"kind": "ptce", "q": ""})
    assert response.status_code == 200
    body = response.content.decode()
    config = map_config(response)
    assert config["dataUrl"] == reverse("directory:organisation-geojson")
    assert config["epciUrl"] == reverse("territories:epci-geojson")
    assert config["kinds"]["ptce"] == "PTCE"
    assert f'href="{reverse("directory:organisation-list")}?kind=ptce"' in body
    assert (
        'value="ptce" checked' in body or 'checked value="ptce"' in body or re.search(r'value="ptce"[^>]*checked', body)
    )
    assert "vendor/supercluster-8.0.1/supercluster.min.js" in body
    assert "Licence Ouverte 2.0" in body
    # No inline script: only JSON data blocks and external files.
    for tag in re.findall(r"<script[^>]*>", body):
        assert 'type="application/json"' in tag or "src=" in tag
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_only_the_embed_may_be_framed(visitor, db):
    EpciFactory(siren="245901160")
    response = visitor.get(reverse("directory:map-embed"), {"epci": "245901160"})
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    body = response.content.decode()
    assert "site-header" not in body  # no site chrome
    assert map_config(response)["embed"] is True


def test_map_page_with_bad_filters_answers_400_with_the_french_message(visitor, db):
    response = visitor.get(reverse("directory:map"), {"sector": "inconnu", "page": "x"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Un des filtres demandés n'est pas valide." in body
    assert '<ul class="errorlist" id="id_sector_error"><li>Cette valeur n&#x27;est pas connue' in body
    assert 'aria-describedby="id_sector_error"' in body
    assert map_config(response)["dataUrl"] == reverse("directory:organisation-geojson")  # the page still renders


def test_the_map_offers_no_sort_and_ignores_one(visitor, db):
    response = visitor.get(reverse("directory:map"), {"sort": "hasard"})
    assert response.status_code == 200
    assert 'name="sort"' not in response.content.decode()


def test_the_embed_says_when_a_filter_is_refused(visitor, db):
    response = visitor.get(reverse("directory:map-embed"), {"departement": "75"})
    assert response.status_code == 400
    assert "Filtre « Département » : Cette valeur n&#x27;est pas connue pour ce filtre." in response.content.decode()


def test_map_page_query_count_is_fixed(visitor, django_assert_num_queries, db):
    """The page itself never lists organisations (the GeoJSON does): the data version, then the filter choices."""
    OrganisationFactory.create_batch(5)
    with django_assert_num_queries(6):
        visitor.get(reverse("directory:map"))


def test_the_embed_has_its_own_icon_and_description(visitor, db):
    """Partner pages embed the map: no 404 on /favicon.ico in their console, a description for previews."""
    html = visitor.get(reverse("directory:map-embed")).content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', html)
    assert icon and icon.group(1) == static("img/favicon.svg")
    assert finders.find("img/favicon.svg")
    description = re.search(r'<meta name="description" content="([^"]+)"', html)
    assert description and "économie solidaire" in description.group(1)
