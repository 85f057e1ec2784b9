"""The campaign page: axes and measures in order, local examples first, share links, print."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from proposals.sitemaps import CampaignSitemap
from tests.factories import (
    CampaignFactory,
    CommuneFactory,
    EpciFactory,
    OrganisationFactory,
    ProposalFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("proposals:campaign")


def example_titles(html, proposal_slug):
    """The example titles of one measure, in page order."""
    block = html.split(f'id="{proposal_slug}"', 1)[1].split("</li>\n</ol>", 1)[0].split('class="proposals-measure"')[0]
    return re.findall(r'class="proposals-example-link" href="[^"]+">([^<]+)</a>', block)


def test_axes_and_measures_render_in_order_with_a_table_of_contents(visitor, campaign):
    response = visitor.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    axis_titles = [
        "Soutenir les initiatives citoyennes",
        "Favoriser une économie de proximité",
        "Promouvoir une citoyenneté économique",
        "Stimuler les initiatives solidaires",
    ]
    positions = [
        html.index(f'<h2 id="{slug}-titre">{title}</h2>')
        for slug, title in zip(["transition", "proximite", "citoyennete", "stimuler"], axis_titles, strict=True)
    ]
    assert positions == sorted(positions)
    toc = html.split('id="sommaire"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="#([a-z]+)"', toc) == ["transition", "proximite", "citoyennete", "stimuler"]
    measures = re.findall(r'<li class="proposals-measure" id="([a-z-]+)">', html)
    assert measures == [
        "transition-a",
        "transition-b",
        "proximite-a",
        "proximite-b",
        "citoyennete-a",
        "citoyennete-b",
        "stimuler-a",
        "stimuler-b",
    ]
    assert "Axe 1" in html and "Axe 4" in html
    assert "Une économie au service du mieux vivre." in html  # the introduction


def test_each_measure_shows_its_published_examples(visitor, examples):
    html = visitor.get(URL).content.decode()
    assert example_titles(html, "proximite-a") == ["Atelier lillois", "Bouquinerie de Marly", "Terre Tous"]
    assert "Structure non publiée" not in html
    assert f'href="http://testserver{examples["atelier"].get_absolute_url()}"' in html


def test_examples_of_the_chosen_epci_come_first(visitor, examples, places):
    response = visitor.get(URL, {"epci": places["valenciennes_epci"].siren})
    html = response.content.decode()
    assert response.status_code == 200
    assert example_titles(html, "proximite-a") == ["Bouquinerie de Marly", "Atelier lillois", "Terre Tous"]
    assert "Près de chez vous" in html
    assert "dans CA Valenciennes Métropole apparaissent en premier : 1 exemple près de chez vous" in html


@pytest.mark.parametrize("query", ["Grenay", "grenay", "62386", "62160", "GRENAY (62)", "Grenay (62160)", " grenay  "])
def test_examples_of_the_chosen_commune_come_first(visitor, examples, query):
    html = visitor.get(URL, {"commune": query}).content.decode()
    assert example_titles(html, "proximite-a") == ["Terre Tous", "Atelier lillois", "Bouquinerie de Marly"]
    assert "à Grenay et dans CA de Lens-Liévin apparaissent en premier" in html
    assert "Une oasis au cœur de la cité minière." in html  # nearby examples get their summary


def test_without_a_territory_examples_stay_short(visitor, examples):
    """Five minutes on a phone: summaries are kept for the visitor's own territory."""
    assert "Une oasis au cœur de la cité minière." not in visitor.get(URL).content.decode()


def test_a_commune_name_is_found_without_its_accents(visitor, examples, places):
    places["grenay"].name = "Grenay-lès-Mines"
    places["grenay"].save()
    html = visitor.get(URL, {"commune": "grenay les mines"}).content.decode()
    assert example_titles(html, "proximite-a")[0] == "Terre Tous"


def test_examples_of_the_same_epci_come_before_those_of_the_department(visitor, examples, places):
    """Valenciennes has no example itself: Marly (same EPCI) comes first, then Lille (same department)."""
    html = visitor.get(URL, {"commune": "Valenciennes"}).content.decode()
    assert example_titles(html, "proximite-a") == ["Bouquinerie de Marly", "Atelier lillois", "Terre Tous"]


def test_an_ambiguous_commune_name_offers_a_choice(visitor, examples, places):
    CommuneFactory(
        insee_code="62001", name="Marly-Gomont", postal_codes=["62000"], department=places["grenay"].department
    )
    html = visitor.get(URL, {"commune": "marl"}).content.decode()
    assert "Plusieurs communes correspondent à « marl »" in html
    assert 'href="?insee=59383#pres-de-chez-vous"' in html
    assert 'href="?insee=62001#pres-de-chez-vous"' in html
    chosen = visitor.get(URL, {"insee": "62001"}).content.decode()
    assert "Aucun exemple n'est encore recensé à Marly-Gomont" in chosen
    assert 'value="Marly-Gomont (62000)"' in chosen


def test_a_code_that_is_an_insee_code_here_and_a_postal_code_there_offers_both(visitor, examples, places):
    """59383 is Marly's INSEE code; make it another commune's postal code too."""
    CommuneFactory(insee_code="59999", name="Autreville", postal_codes=["59383"], department=places["marly"].department)
    html = visitor.get(URL, {"commune": "59383"}).content.decode()
    assert 'href="?insee=59383#pres-de-chez-vous"' in html
    assert 'href="?insee=59999#pres-de-chez-vous"' in html


def test_an_unknown_insee_code_gets_a_clear_message(visitor, campaign):
    response = visitor.get(URL, {"insee": "00000"})
    assert response.status_code == 400
    assert "Ce code INSEE ne correspond à aucune commune des Hauts-de-France." in response.content.decode()


def test_an_unknown_commune_gets_a_clear_message(visitor, examples):
    response = visitor.get(URL, {"commune": "Atlantis"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Aucune commune des Hauts-de-France ne correspond à « Atlantis »" in html
    assert example_titles(html, "proximite-a") == ["Atelier lillois", "Bouquinerie de Marly", "Terre Tous"]


@pytest.mark.parametrize("value", ["123", "999999999", "<script>", "245901160' OR 1=1"])
def test_an_unknown_epci_gets_a_clear_message(visitor, campaign, value):
    response = visitor.get(URL, {"epci": value})
    assert response.status_code == 400
    assert "Cette intercommunalité est inconnue" in response.content.decode()


def test_the_near_me_form_works_without_javascript(visitor, campaign, places):
    html = visitor.get(URL).content.decode()
    form = html.split('id="formulaire-territoire"', 1)[1].split("</form>", 1)[0]
    assert 'method="get"' in html.split('id="formulaire-territoire"', 1)[0][-200:]
    assert 'name="commune"' in form
    assert f'<option value="{places["lille_epci"].siren}">Métropole Européenne de Lille</option>' in form


def test_each_axis_has_a_share_link_and_a_copy_button(visitor, campaign, places):
    html = visitor.get(URL, {"epci": places["lille_epci"].siren}).content.decode()
    assert f'href="?epci={places["lille_epci"].siren}#proximite"' in html
    assert f'data-copy-url="http://testserver{URL}?epci={places["lille_epci"].siren}#proximite"' in html
    assert html.count('class="proposals-copy"') == 4
    # Without JavaScript the copy and print buttons stay hidden (the plain links remain).
    assert re.search(r'<button type="button" class="proposals-copy" data-copy-url="[^"]+" hidden>', html)
    assert re.search(r'id="bouton-imprimer" hidden>', html)
    css = Path(finders.find("css/proposals.css")).read_text(encoding="utf-8")
    assert ".proposals-print[hidden],\n.proposals-copy[hidden] {\n  display: none;" in css
    assert 'src="/static/js/proposals-share.js"' in html


def test_share_links_encode_the_territory_they_name(visitor, campaign, places):
    # A code with a space and an ampersand must not cut the link into two parameters.
    odd = EpciFactory(siren="24 & 5 90", name="EPCI au code étrange", department=places["lille_epci"].department)
    html = visitor.get(URL, {"epci": odd.siren}).content.decode()
    assert 'href="?epci=24+%26+5+90#proximite"' in html
    assert f'data-copy-url="http://testserver{URL}?epci=24+%26+5+90#proximite"' in html


def test_print_stylesheet_is_linked_and_breaks_pages_between_axes(visitor, campaign):
    html = visitor.get(URL).content.decode()
    assert '<link rel="stylesheet" href="/static/css/proposals.css">' in html
    css = Path(finders.find("css/proposals.css")).read_text(encoding="utf-8")
    print_rules = css.split("@media print", 1)[1]
    assert ".proposals-axis {\n    break-before: page;" in print_rules
    assert "size: A4" in print_rules
    assert ".site-header" in print_rules and ".site-footer" in print_rules and ".skip-link" in print_rules
    assert 'content: " (" attr(href) ")"' in print_rules


def test_commit_links_preselect_the_measure(visitor, campaign):
    html = visitor.get(URL).content.decode()
    assert f'href="{reverse("proposals:commitment-create")}?proposition=proximite-a"' in html


def test_without_a_published_campaign_the_page_says_so(visitor, db):
    CampaignFactory(is_published=False)
    response = visitor.get(URL)
    assert response.status_code == 404
    assert "Nos propositions arrivent bientôt" in response.content.decode()


def test_campaign_page_query_count_does_not_grow_with_content(visitor, examples, places, django_assert_num_queries):
    """Prefetching prevents one query per axis, per proposal, per example and per example's commune.

    1 campaign (with its brochure), 1 commune lookup, 1 axes, 1 proposals (with counts), 1 organisations,
    1 initiatives, 3 initiative places (communes, EPCI, departments), 1 publications, 1 themes, 1 EPCI select.
    """
    axis = examples["proposal"].axis
    for _ in range(5):
        extra = ProposalFactory(axis=axis)
        extra.example_organisations.set(
            [OrganisationFactory(commune=places["lille"]), OrganisationFactory(commune=places["grenay"])]
        )
    with django_assert_num_queries(12):
        response = visitor.get(URL, {"commune": "Lille"})
    assert response.status_code == 200


@pytest.fixture
def brochure(settings, tmp_path, campaign):
    """The campaign's brochure: a published publication with a real PDF (written to a temporary MEDIA_ROOT)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    publication = PublicationFactory(slug="propositions-municipales-2026", title="Nos propositions 2026")
    campaign.brochure = publication
    campaign.save()
    return publication


def test_the_brochure_pdf_is_linked(visitor, brochure):
    html = visitor.get(URL).content.decode()
    link = html.split('id="lien-brochure"', 1)[1].split(">", 1)[0]
    assert f'href="{brochure.get_download_url()}"' in link
    assert "Télécharger la brochure (PDF," in html


def test_a_members_only_brochure_links_to_its_page(visitor, brochure):
    brochure.access = "adherents"
    brochure.save()
    html = visitor.get(URL).content.decode()
    assert f'id="lien-brochure" href="{brochure.get_absolute_url()}"' in html


def test_an_unpublished_brochure_is_not_linked(visitor, brochure):
    brochure.is_published = False
    brochure.save()
    assert 'id="lien-brochure"' not in visitor.get(URL).content.decode()


def test_measures_point_to_related_publications(visitor, brochure, campaign):
    proposal = campaign.axes.get(slug="proximite").proposals.get(slug="proximite-a")
    proposal.publications.set([brochure])
    html = visitor.get(URL).content.decode()
    block = html.split('id="proximite-a"', 1)[1].split('class="proposals-measure"', 1)[0]
    assert (
        f'Pour aller plus loin : <a href="http://testserver{brochure.get_absolute_url()}">Nos propositions 2026</a>'
        in block
    )


def test_sitemap_lists_the_campaign_and_its_commitments(campaign):
    locations = [entry["location"] for entry in CampaignSitemap().get_urls(site=FakeSite(), protocol="https")]
    assert locations == [f"https://apes.example{URL}", "https://apes.example" + reverse("proposals:commitment-list")]


class FakeSite:
    domain = "apes.example"
    name = "Apes"
