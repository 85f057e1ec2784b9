"""Site-wide pages: a visitor reads who the network is, its figures and its charter, in French."""

import pytest
from django.urls import reverse

from apes_portal import demo
from apes_portal.models import KeyFigure
from tests.data_versions import seen_elsewhere

pytestmark = pytest.mark.django_db


def test_home_shows_the_networks_figures_and_principles(visitor):
    demo.seed(lambda message: None)
    response = visitor.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    for value, label in [(160, "adhérents"), (30, "collectivités partenaires"), (13, "salariés")]:
        assert f"<strong>{value}</strong> {label}" in html
    # The date in words, with the source of the figures.
    assert "Chiffres au 31 décembre 2020 — source : Plaquette de présentation du réseau." in html
    for principle in ["Utilité sociale", "Ancrage territorial", "Gouvernance démocratique", "Lucrativité limitée"]:
        assert principle in html


def test_home_figures_follow_staff_edits(visitor):
    demo.seed(lambda message: None)
    KeyFigure.objects.filter(label="adhérents").update(value=175)
    html = visitor.get(reverse("home")).content.decode()
    assert "<strong>175</strong> adhérents" in html
    assert "<strong>160</strong>" not in html


def test_a_figure_edited_in_the_admin_shows_on_the_next_home_page(visitor, django_assert_num_queries):
    demo.seed(lambda message: None)
    home = reverse("home")
    visitor.get(home)  # reads the figures once for this state of the site
    with django_assert_num_queries(0):  # nor on the next visit: no query at all for an anonymous visitor
        visitor.get(home)
    before = seen_elsewhere("site")
    figure = KeyFigure.objects.get(label="adhérents")
    figure.value = 175
    figure.save()  # what the admin's change form does
    assert seen_elsewhere("site") != before  # every worker sees a new version of the site
    html = visitor.get(home).content.decode()
    assert "<strong>175</strong> adhérents" in html
    assert "<strong>160</strong>" not in html


def test_seeding_figures_twice_keeps_one_row_each():
    demo.seed(lambda message: None)
    demo.seed(lambda message: None)
    assert KeyFigure.objects.count() == len(demo.KEY_FIGURES)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("about", "Une histoire commencée en 2001"),
        ("charter", "Lucrativité limitée"),
        ("legal", "Mentions légales"),
        ("accessibility", "Déclaration d'accessibilité"),
    ],
)
def test_static_pages_render_in_french(visitor, name, expected):
    response = visitor.get(reverse(name))
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_every_page_has_skip_link_navigation_and_footer_address(visitor):
    html = visitor.get(reverse("about")).content.decode()
    assert 'href="#contenu"' in html
    assert 'aria-label="Navigation principale"' in html
    assert "235 boulevard Paul Painlevé" in html


def test_the_navigation_marks_the_page_the_visitor_is_on_only(visitor):
    about = visitor.get(reverse("about")).content.decode()
    assert f'<a href="{reverse("about")}" aria-current="page">L\'Apes</a>' in about
    assert about.count('aria-current="page"') == 1
    assert f'<a href="{reverse("charter")}">' in about  # the footer's links are never marked
    assert 'aria-current="page"' not in visitor.get(reverse("home")).content.decode()


def test_admin_asks_for_a_login(visitor):
    response = visitor.get("/admin/")
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    login = visitor.get(response["Location"])
    assert "Apes Hauts-de-France" in login.content.decode()
