"""/carte/ and /carte/embed/: the map pages work without inline scripts; only the embed may be framed."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from tests.factories import OrganisationFactory

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
    assert "leaflet.markercluster.js" in body
    assert "Licence Ouverte 2.0" in body
    # No inline script: only JSON data blocks and external files.
    for tag in re.findall(r"<script[^>]*>", body):
        assert 'type="application/json"' in tag or "src=" in tag
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_only_the_embed_may_be_framed(visitor, db):
    response = visitor.get(reverse("directory:map-embed"), {"epci": "245901160"})
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    body = response.content.decode()
    assert "site-header" not in body  # no site chrome
    assert map_config(response)["embed"] is True


def test_map_page_with_bad_filters_explains_instead_of_failing(visitor, db):
    response = visitor.get(reverse("directory:map"), {"sector": "inconnu", "page": "x"})
    assert response.status_code == 200
    assert "ignorés" in response.content.decode()


def test_map_page_query_count_is_fixed(visitor, django_assert_num_queries, db):
    """The page itself never lists organisations (the GeoJSON does): only the filter form's choices."""
    OrganisationFactory.create_batch(5)
    with django_assert_num_queries(5):
        visitor.get(reverse("directory:map"))


def test_the_embed_has_its_own_icon_and_description(visitor, db):
    """Partner pages embed the map: no 404 on /favicon.ico in their console, a description for previews."""
    html = visitor.get(reverse("directory:map-embed")).content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', html)
    assert icon and icon.group(1) == static("img/favicon.svg")
    assert finders.find("img/favicon.svg")
    description = re.search(r'<meta name="description" content="([^"]+)"', html)
    assert description and "économie solidaire" in description.group(1)
