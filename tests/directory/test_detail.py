"""/annuaire/<slug>/: what a visitor reads, protected email, structured data, links back to the list."""

import json
import re

import pytest
from django.urls import reverse

from tests.factories import CommuneFactory, EpciFactory, OrganisationFactory, SectorFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def detail_url(organisation):
    return reverse("directory:organisation-detail", kwargs={"slug": organisation.slug})


@pytest.fixture
def velo(db):
    epci = EpciFactory(siren="245901160", name="CA Valenciennes Métropole", slug="ca-valenciennes-metropole")
    commune = CommuneFactory(insee_code="59606", name="Valenciennes", epci=epci)
    organisation = OrganisationFactory(
        name="La Maison du Vélo",
        slug="maison-du-velo",
        commune=commune,
        short_description="Atelier de réparation et école du vélo.",
        description="Premier paragraphe.\n\nSecond paragraphe.",
        address="12 rue des Cyclistes",
        postal_code="59300",
        email="contact@maison-du-velo.example",
        phone="03 27 00 00 00",
        website="https://maison-du-velo.example",
        is_member=True,
    )
    organisation.sectors.add(SectorFactory(slug="mobilite", name="Mobilité"))
    organisation.themes.add(ThemeFactory(slug="transition-ecologique", name="Transition écologique"))
    return organisation


def test_the_page_tells_what_they_do_where_and_how_to_reach_them(visitor, velo):
    response = visitor.get(detail_url(velo))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>La Maison du Vélo</h1>" in body
    assert "Atelier de réparation et école du vélo." in body
    assert "<p>Second paragraphe.</p>" in body
    assert "12 rue des Cyclistes" in body
    assert 'href="tel:0327000000"' in body
    assert "Adhérent de l'Apes" in body


def test_the_email_is_not_in_the_page_until_asked(visitor, velo):
    response = visitor.get(detail_url(velo))
    body = response.content.decode()
    assert "contact@maison-du-velo.example" not in body
    assert "Afficher l'adresse" in body
    revealed = visitor.post(reverse("directory:organisation-email", kwargs={"slug": velo.slug}))
    assert revealed.status_code == 200
    assert 'href="mailto:contact@maison-du-velo.example"' in revealed.content.decode()
    assert revealed["X-Robots-Tag"] == "noindex, nofollow"


def test_the_email_cannot_be_fetched_with_a_plain_get(visitor, velo):
    response = visitor.get(reverse("directory:organisation-email", kwargs={"slug": velo.slug}))
    assert response.status_code == 302
    assert response["Location"] == velo.get_absolute_url()


def test_sectors_themes_and_territory_link_to_filtered_lists(visitor, velo):
    body = visitor.get(detail_url(velo)).content.decode()
    list_url = reverse("directory:organisation-list")
    assert f'href="{list_url}?sector=mobilite"' in body
    assert f'href="{list_url}?theme=transition-ecologique"' in body
    assert f'href="{list_url}?commune=59606"' in body
    assert f'href="{list_url}?epci=245901160"' in body
    assert f'href="{list_url}?departement=59"' in body
    assert f'href="{reverse("territories:epci-detail", kwargs={"slug": "ca-valenciennes-metropole"})}"' in body


def test_json_ld_and_open_graph(visitor, velo):
    body = visitor.get(detail_url(velo)).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Organization"
    assert data["name"] == "La Maison du Vélo"
    assert data["address"]["addressLocality"] == "Valenciennes"
    assert data["url"].endswith("/annuaire/maison-du-velo/")
    assert "email" not in data
    assert '<meta property="og:title" content="La Maison du Vélo">' in body
    assert '<meta property="og:description" content="Atelier de réparation et école du vélo.">' in body


def test_json_ld_cannot_break_out_of_its_script(visitor, db):
    organisation = OrganisationFactory(name="</script><script>alert(1)</script>", slug="piege")
    body = visitor.get(detail_url(organisation)).content.decode()
    assert "<script>alert(1)" not in body


def test_a_small_map_is_configured(visitor, velo):
    response = visitor.get(detail_url(velo))
    config = response.context["map_config"]
    assert config["center"] == [velo.latitude, velo.longitude]
    assert config["tilesAttribution"]
    assert 'id="map-config"' in response.content.decode()


def test_ptce_links_go_both_ways(visitor, velo):
    ptce = OrganisationFactory(name="PTCE Auton'hommes", slug="ptce-auton-hommes", kind="ptce")
    hidden = OrganisationFactory(name="Membre non publié", slug="cache", is_published=False)
    velo.ptces.add(ptce)
    hidden.ptces.add(ptce)
    member_page = visitor.get(detail_url(velo)).content.decode()
    assert f'href="{detail_url(ptce)}"' in member_page
    ptce_page = visitor.get(detail_url(ptce)).content.decode()
    assert "Membres de ce PTCE" in ptce_page
    assert f'href="{detail_url(velo)}"' in ptce_page
    assert "Membre non publié" not in ptce_page
    assert f'href="{reverse("directory:organisation-list")}?ptce=ptce-auton-hommes"' in ptce_page


def test_closed_organisation_is_shown_as_closed(visitor, db):
    atout = OrganisationFactory(name="La boîte Atout", slug="la-boite-atout", status="closed", closed_on="2021-01-01")
    body = visitor.get(detail_url(atout)).content.decode()
    assert "a cessé son activité en 2021" in body


def test_unpublished_is_404(visitor, db):
    hidden = OrganisationFactory(slug="brouillon", is_published=False)
    assert visitor.get(detail_url(hidden)).status_code == 404
    assert visitor.post(reverse("directory:organisation-email", kwargs={"slug": "brouillon"})).status_code == 404


def test_unknown_slug_is_404(visitor, db):
    assert visitor.get("/annuaire/n-existe-pas/").status_code == 404


def test_a_renamed_organisation_redirects_from_its_old_slug(visitor, velo):
    velo.slug = "maison-du-velo-valenciennes"
    velo.save()
    response = visitor.get("/annuaire/maison-du-velo/")
    assert response.status_code == 301
    assert response["Location"] == "/annuaire/maison-du-velo-valenciennes/"


def test_detail_query_count_is_fixed(visitor, velo, django_assert_num_queries):
    """Prevents one query per sector, theme, PTCE or PTCE member. The organisation with its commune, then the ids
    it links to; the small tables it names (sectors, themes, departments, EPCI, PTCEs) are read once per data
    version (directory/taxonomy.py); a PTCE's page adds its members."""
    ptce = OrganisationFactory(kind="ptce", slug="ptce-x")
    velo.ptces.add(ptce)
    for _ in range(3):
        velo.sectors.add(SectorFactory())
        velo.themes.add(ThemeFactory())
        OrganisationFactory().ptces.add(ptce)
    # The first page after a change also reads the data version and the five small tables.
    with django_assert_num_queries(2 + 1 + 5):
        visitor.get(detail_url(velo))
    with django_assert_num_queries(2):
        visitor.get(detail_url(velo))
    with django_assert_num_queries(3):
        assert len(visitor.get(detail_url(ptce)).context["ptce_members"]) == 4


def test_sectors_themes_and_territories_show_in_their_order_and_follow_renames(visitor, velo):
    velo.sectors.set([SectorFactory(name="Réemploi", order=2), SectorFactory(name="Alimentation", order=1)])
    velo.themes.add(ThemeFactory(name="Coopérations"))
    body = visitor.get(detail_url(velo)).content.decode()
    assert body.index(">Alimentation</a>") < body.index(">Réemploi</a>")
    assert ">Coopérations</a>" in body
    assert f">{velo.commune.department.name} ({velo.commune.department.code})</a>" in body
    assert ">CA Valenciennes Métropole</a>" in body
    reemploi = velo.sectors.get(name="Réemploi")
    reemploi.name = "Réemploi et réparation"
    reemploi.save()  # a new data version: every worker reads the sectors again
    body = visitor.get(detail_url(velo)).content.decode()
    assert ">Réemploi et réparation</a>" in body


def test_the_page_offers_to_report_a_correction(visitor, velo):
    html = visitor.get(velo.get_absolute_url()).content.decode()
    assert f'href="{reverse("directory:correction-create", args=[velo.slug])}"' in html
    assert "Signaler une correction" in html
