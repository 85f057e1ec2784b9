"""Public pages of the territories section, as a visitor sees them."""

import datetime
import html

import pytest
from django.urls import reverse

from apes_portal.territory_views import EPCI_ORGANISATIONS_SHOWN
from directory.models import Organisation
from territories.models import Dynamic
from tests.breadcrumbs import trail
from tests.factories import (
    CommuneFactory,
    DepartmentFactory,
    DynamicFactory,
    EpciFactory,
    InitiativeFactory,
    OrganisationFactory,
    PartnershipFactory,
    TerritoryFigureFactory,
    ThemeFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db


def text(response):
    """The page as a person reads it: HTML entities decoded (tags kept, for structural assertions)."""
    return html.unescape(response.content.decode())


@pytest.fixture
def themes():
    return [
        ThemeFactory(slug="cooperations", name="Coopérations économiques territoriales", order=0, colour="#b5462f"),
        ThemeFactory(slug="mise-en-recit", name="Mise en récit", order=1, colour="#a86b00"),
        ThemeFactory(slug="impact-social", name="Impact social", order=2, colour="#1f6aa5"),
    ]


# --- /territoires/ -----------------------------------------------------------------------------------------


def test_regional_legend_counts_equal_the_published_dynamics_of_each_theme(visitor, themes):
    cooperations, recit, impact = themes
    DynamicFactory.create_batch(3, theme=cooperations)
    DynamicFactory(theme=recit)
    DynamicFactory(theme=recit, is_published=False)

    response = visitor.get(reverse("territories:index"))

    assert response.status_code == 200
    counts = {theme.slug: theme.dynamic_count for theme in response.context["themes"]}
    expected = {theme.slug: Dynamic.objects.published().filter(theme=theme).count() for theme in themes}
    assert counts == expected == {"cooperations": 3, "mise-en-recit": 1, "impact-social": 0}
    page = text(response)
    for theme in themes:
        assert f'data-theme="{theme.slug}"' in page
        assert f'data-count="{expected[theme.slug]}"' in page
    assert "<strong>4</strong> dynamiques en 3 thématiques" in page


def test_regional_page_lists_epci_by_department_with_partners_marked(visitor):
    nord = DepartmentFactory(code="59", name="Nord", slug="nord")
    somme = DepartmentFactory(code="80", name="Somme", slug="somme")
    partner = EpciFactory(name="CA Valenciennes Métropole", department=nord)
    other = EpciFactory(name="CA Amiens Métropole", department=somme)
    PartnershipFactory(epci=partner, start_year=2017, end_year=2024)
    PartnershipFactory(
        epci=None,
        department=DepartmentFactory(code="62", name="Pas-de-Calais", slug="pas-de-calais"),
        authority_name="Département du Pas-de-Calais",
        start_year=None,
    )

    response = visitor.get(reverse("territories:index"))

    page = text(response)
    assert "Nord (59)" in page and "Somme (80)" in page
    assert f'<a href="{partner.get_absolute_url()}">{partner.name}</a> <span class="tag">partenaire</span>' in page
    assert f'<a href="{other.get_absolute_url()}">{other.name}</a></li>' in page
    assert "conventionnée depuis 2017, jusqu'en 2024" in page
    assert "Département du Pas-de-Calais" in page


def test_regional_page_passes_map_settings_as_json_not_inline_script(visitor, settings):
    settings.MAP_TILES_URL = "https://tuiles.example/{z}/{x}/{y}.png"
    response = visitor.get(reverse("territories:index"))
    page = text(response)
    assert '<script id="map-config" type="application/json">' in page
    assert "https://tuiles.example/{z}/{x}/{y}.png" in page
    assert reverse("territories:epci-geojson") in page
    assert "<script>" not in page


def test_regional_page_query_count_does_not_grow_with_content(visitor, django_assert_num_queries, themes):
    """Prefetching keeps the page to a fixed number of queries: no query per dynamic, EPCI or department."""
    for theme in themes:
        for _ in range(3):
            dynamic = DynamicFactory(theme=theme)
            dynamic.epcis.add(EpciFactory())
            dynamic.communes.add(CommuneFactory())
    PartnershipFactory.create_batch(3)
    TerritoryFigureFactory(epci=None)

    # themes+counts, dynamics, their EPCI, their communes, departments, their EPCI, partnerships, figures
    with django_assert_num_queries(8):
        response = visitor.get(reverse("territories:index"))
    assert response.status_code == 200


# --- /territoires/<epci>/ ---------------------------------------------------------------------------------


def test_epci_page_lists_exactly_its_published_organisations(visitor):
    commune = CommuneFactory(name="Valenciennes")
    epci = commune.epci
    neighbour = CommuneFactory(name="Anzin", epci=epci, department=commune.department)
    mine = [
        OrganisationFactory(name="Espoir Avenir", commune=commune),
        OrganisationFactory(name="Maison du Vélo", commune=neighbour),
        OrganisationFactory(
            name="La boîte Atout", commune=commune, status="closed", closed_on=datetime.date(2021, 6, 1)
        ),
    ]
    OrganisationFactory(name="Brouillon caché", commune=commune, is_published=False)
    OrganisationFactory(name="Ailleurs", commune=CommuneFactory())

    response = visitor.get(epci.get_absolute_url())

    assert response.status_code == 200
    listed = list(response.context["organisations"])
    assert sorted(o.pk for o in listed) == sorted(o.pk for o in mine)
    page = text(response)
    assert "<strong>3</strong> organisations de l'annuaire ont leur siège" in page
    assert "Brouillon caché" not in page and "Ailleurs" not in page
    assert f'href="/annuaire/?epci={epci.siren}"' in page


def test_epci_page_shows_partnership_figures_dynamics_and_ptce(visitor):
    commune = CommuneFactory()
    epci = commune.epci
    PartnershipFactory(epci=epci, start_year=2017, end_year=2024, description="Une convention d'animation.")
    TerritoryFigureFactory(epci=epci, label="emplois dans l'ESS", value=7892)
    TerritoryFigureFactory(epci=epci, label="de l'ensemble des emplois", value="10.3", unit="%")
    dynamic = DynamicFactory(title="Quinze ans d'animation")
    dynamic.epcis.add(epci)
    ptce = OrganisationFactory(name="PTCE Auton'hommes", kind=Organisation.Kind.PTCE, commune=commune)
    OrganisationFactory(name="PTCE d'ailleurs", kind=Organisation.Kind.PTCE)

    response = visitor.get(epci.get_absolute_url())

    page = text(response)
    assert "Conventionnée avec l'Apes depuis 2017, jusqu'en 2024." in page
    assert "Une convention d'animation." in page
    assert "7\xa0892" in page and "10,3\xa0%" in page and "Observatoire de la CRESS, septembre 2024" in page
    assert "Quinze ans d'animation" in page
    assert list(response.context["ptces"]) == [ptce]
    assert "PTCE d'ailleurs" not in page
    assert "habitants" in page


def test_epci_without_partnership_says_so(visitor):
    epci = CommuneFactory().epci
    response = visitor.get(epci.get_absolute_url())
    assert "n'a pas, à ce jour, de convention avec l'Apes" in text(response)


def test_unknown_epci_is_a_404(visitor):
    assert visitor.get(reverse("territories:epci-detail", kwargs={"slug": "nulle-part"})).status_code == 404


def test_epci_page_query_count_is_fixed(visitor, django_assert_num_queries):
    """Organisations, PTCE, dynamics and initiatives come in a fixed number of queries, whatever their number."""
    commune = CommuneFactory()
    epci = commune.epci
    OrganisationFactory.create_batch(5, commune=commune)
    OrganisationFactory.create_batch(2, commune=commune, kind=Organisation.Kind.PTCE)
    for _ in range(3):
        DynamicFactory().epcis.add(epci)
        InitiativeFactory().communes.add(commune)
    PartnershipFactory(epci=epci)
    TerritoryFigureFactory.create_batch(2, epci=epci)

    # epci, org count, commune count, partnerships, figures, dynamics (+theme), their EPCI, their communes,
    # initiatives, their themes, PTCE, organisations, municipal commitments (none here: no prefetch)
    with django_assert_num_queries(13):
        response = visitor.get(epci.get_absolute_url())
    assert response.status_code == 200


# --- /dynamiques/ -------------------------------------------------------------------------------------------


@pytest.fixture
def dynamics_by_place(themes):
    cooperations, recit, _ = themes
    nord = DepartmentFactory(code="59", name="Nord", slug="nord")
    pas_de_calais = DepartmentFactory(code="62", name="Pas-de-Calais", slug="pas-de-calais")
    valenciennes = EpciFactory(department=nord)
    grenay = CommuneFactory(department=pas_de_calais, epci=EpciFactory(department=pas_de_calais))
    in_nord = DynamicFactory(title="Valenciennois", theme=cooperations, phase="autonomie")
    in_nord.epcis.add(valenciennes)
    in_62 = DynamicFactory(title="Terre tous", theme=recit, phase="emergence")
    in_62.communes.add(grenay)
    regional = DynamicFactory(title="Bail commercial", theme=cooperations, phase="structuration")
    return {"nord": in_nord, "62": in_62, "regional": regional, "valenciennes": valenciennes}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"Valenciennois", "Terre tous", "Bail commercial"}),
        ({"theme": "cooperations"}, {"Valenciennois", "Bail commercial"}),
        ({"phase": "emergence"}, {"Terre tous"}),
        ({"departement": "59"}, {"Valenciennois"}),
        ({"departement": "62"}, {"Terre tous"}),
        ({"theme": "cooperations", "departement": "62"}, set()),
    ],
)
def test_dynamic_list_filters(visitor, dynamics_by_place, query, expected):
    response = visitor.get(reverse("territories:dynamic-list"), query)
    assert response.status_code == 200
    assert {d.title for d in response.context["dynamics"]} == expected


def test_dynamic_list_filters_by_epci_siren(visitor, dynamics_by_place):
    response = visitor.get(reverse("territories:dynamic-list"), {"epci": dynamics_by_place["valenciennes"].siren})
    assert [d.title for d in response.context["dynamics"]] == ["Valenciennois"]


def test_unpublished_dynamics_are_hidden_everywhere(visitor, themes):
    hidden = DynamicFactory(title="Pas encore prête", theme=themes[0], is_published=False)
    assert "Pas encore prête" not in text(visitor.get(reverse("territories:dynamic-list")))
    assert visitor.get(hidden.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"theme": "inconnue"}, "Cette thématique n'existe pas."),
        ({"phase": "<script>"}, "Cette phase n'existe pas."),
        ({"departement": "75"}, "Ce département n'est pas dans les Hauts-de-France."),
        ({"epci": "123"}, "Cet EPCI n'est pas dans les Hauts-de-France."),
    ],
)
def test_bad_filter_values_answer_400_with_a_french_message(visitor, dynamics_by_place, query, message):
    response = visitor.get(reverse("territories:dynamic-list"), query)
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert "Un des filtres demandés n'est pas valide." in page
    assert "<script>" not in response.content.decode()


@pytest.mark.parametrize("page", ["2", "999999", "abc", "-1"])
def test_pages_past_the_end_are_404(visitor, dynamics_by_place, page):
    assert visitor.get(reverse("territories:dynamic-list"), {"page": page}).status_code == 404


def test_dynamic_list_paginates_and_keeps_filters(visitor, themes):
    DynamicFactory.create_batch(25, theme=themes[0])
    response = visitor.get(reverse("territories:dynamic-list"), {"theme": themes[0].slug, "page": 2})
    assert response.status_code == 200
    assert len(response.context["dynamics"]) == 5
    assert "theme=cooperations" in text(response)


def test_dynamic_list_query_count_is_fixed(visitor, django_assert_num_queries, themes):
    """Cards show theme and territories without one query per card."""
    for _ in range(8):
        dynamic = DynamicFactory(theme=themes[0])
        dynamic.epcis.add(EpciFactory())
        dynamic.communes.add(CommuneFactory())

    # theme lookup (filter validation), count, page of dynamics, their EPCI, their communes, filter choices (3)
    with django_assert_num_queries(8):
        response = visitor.get(reverse("territories:dynamic-list"), {"theme": themes[0].slug})
    assert response.status_code == 200


# --- /dynamiques/<slug>/ --------------------------------------------------------------------------------------


def test_dynamic_page_shows_a_timeline_readable_without_colour(visitor):
    dynamic = DynamicFactory(title="Quinze ans dans le Valenciennois", start_year=2009, end_year=2011)
    TimelineEventFactory(dynamic=dynamic, date=datetime.date(2009, 1, 1), title="Premiers pas", involvement="legere")
    TimelineEventFactory(
        dynamic=dynamic,
        date=datetime.date(2011, 11, 1),
        date_precision="month",
        title="Village de l'ESS",
        involvement="soutenue",
        is_network_action=True,
    )

    response = visitor.get(dynamic.get_absolute_url())

    page = text(response)
    assert response.status_code == 200
    assert "Implication de l'Apes : <strong>légère</strong>" in page
    assert "Implication de l'Apes : <strong>soutenue</strong>" in page
    assert "Pas d'étape marquante cette année" in page  # 2010
    assert "novembre 2011 :" in page
    assert "action de l'Apes" in page
    assert page.index('id="annee-2009"') < page.index('id="annee-2010"') < page.index('id="annee-2011"')
    assert 'data-level="legere"' in page and 'data-level="soutenue"' in page


def test_dynamic_page_lists_territories_and_partners(visitor):
    commune = CommuneFactory(name="Grenay")
    dynamic = DynamicFactory()
    dynamic.communes.add(commune)
    partner = OrganisationFactory(name="Activ'Cités")
    hidden = OrganisationFactory(name="Structure masquée", is_published=False)
    dynamic.partners.add(partner, hidden)
    initiative = InitiativeFactory(title="Terre tous")
    dynamic.initiatives.add(initiative)

    page = text(visitor.get(dynamic.get_absolute_url()))

    assert "Grenay" in page and commune.epci.get_absolute_url() in page
    assert partner.get_absolute_url() in page
    assert "Structure masquée" not in page
    assert initiative.get_absolute_url() in page


def test_dynamic_page_query_count_is_fixed(visitor, django_assert_num_queries):
    """Events, territories, partners, initiatives and publications are prefetched: one query each."""
    dynamic = DynamicFactory()
    TimelineEventFactory.create_batch(6, dynamic=dynamic)
    dynamic.epcis.add(EpciFactory(), EpciFactory())
    dynamic.communes.add(CommuneFactory(), CommuneFactory())
    dynamic.partners.add(*OrganisationFactory.create_batch(3))
    dynamic.initiatives.add(*InitiativeFactory.create_batch(2))

    with django_assert_num_queries(7):
        response = visitor.get(dynamic.get_absolute_url())
    assert response.status_code == 200


# --- trails of the section's detail pages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "list_label", "list_url_name"),
    [
        (DynamicFactory, "Dynamiques", "territories:dynamic-list"),
        (InitiativeFactory, "Initiatives inspirantes", "territories:initiative-list"),
    ],
    ids=["dynamic", "initiative"],
)
def test_detail_page_trail_runs_through_the_territories_section_and_its_list(
    visitor, factory, list_label, list_url_name
):
    work = factory(title="Coopérer dans le Ternois")

    assert trail(visitor.get(work.get_absolute_url())) == [
        ("Accueil", reverse("home")),
        ("Territoires", reverse("territories:index")),
        (list_label, reverse(list_url_name)),
        ("Coopérer dans le Ternois", None),
    ]


# --- /thematiques/<slug>/ ---------------------------------------------------------------------------------------


def test_theme_page_lists_its_dynamics_initiatives_and_links_the_directory(visitor, themes):
    theme = themes[1]
    DynamicFactory(title="Mettre en récit", theme=theme)
    DynamicFactory(title="Autre thème", theme=themes[0])
    initiative = InitiativeFactory(title="Raconter le territoire")
    initiative.themes.add(theme)
    organisation = OrganisationFactory()
    organisation.themes.add(theme)
    TerritoryFigureFactory(epci=None, theme=theme, label="dynamiques sur la carte régionale de 2020", value=2)

    response = visitor.get(theme.get_absolute_url())

    page = text(response)
    assert "Mettre en récit" in page and "Autre thème" not in page
    assert "Raconter le territoire" in page
    assert "<strong>1</strong> organisation de l'annuaire travaille" in page
    assert f'href="/annuaire/?theme={theme.slug}"' in page
    assert "dynamiques sur la carte régionale de 2020" in page


def test_theme_page_query_count_is_fixed(visitor, django_assert_num_queries, themes):
    """No query per dynamic or initiative on a theme page."""
    for _ in range(4):
        DynamicFactory(theme=themes[0]).epcis.add(EpciFactory())
        InitiativeFactory().themes.add(themes[0])
    # theme, dynamics, their EPCI, their communes, initiatives, their themes, figures, organisation count, others
    with django_assert_num_queries(9):
        response = visitor.get(themes[0].get_absolute_url())
    assert response.status_code == 200


def test_unknown_theme_is_a_404(visitor):
    assert visitor.get(reverse("territories:theme-detail", kwargs={"slug": "inconnue"})).status_code == 404


# --- /initiatives/ ----------------------------------------------------------------------------------------------


def test_initiative_page_shows_the_case_study_sections_in_order(visitor):
    initiative = InitiativeFactory(
        title="La Bouquinerie du Sart",
        context="Des foyers saturés.",
        objectives="- accompagner vers le logement ;\n- rendre la culture accessible.",
        impact="512 000 livres triés par an.",
        vigilance="",
        success_keys="Une adhésion à prix libre.",
        funding="Un fonds de revitalisation.",
        contact="La Bouquinerie",
        contact_email="amiens@example.org",
    )
    initiative.communes.add(CommuneFactory(name="Amiens"))

    page = text(visitor.get(initiative.get_absolute_url()))

    headings = ["Contexte", "Objectifs", "Impact", "Clés de réussite", "Financement", "Contact"]
    positions = [page.index(f">{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)
    assert ">Points de vigilance</h2>" not in page
    assert "<ul><li>accompagner vers le logement ;</li><li>rendre la culture accessible.</li></ul>" in page
    assert "mailto:amiens@example.org" in page
    assert "Amiens" in page


def test_initiative_text_is_escaped(visitor):
    initiative = InitiativeFactory(context='<img src=x onerror="alert(1)">')
    page = visitor.get(initiative.get_absolute_url()).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"A", "B"}),
        ({"kind": "repere"}, {"B"}),
        ({"theme": "mise-en-recit"}, {"A"}),
        ({"departement": "80"}, {"B"}),
    ],
)
def test_initiative_list_filters(visitor, themes, query, expected):
    somme = DepartmentFactory(code="80", name="Somme", slug="somme")
    a = InitiativeFactory(title="A", kind="coup-de-projecteur")
    a.themes.add(themes[1])
    b = InitiativeFactory(title="B", kind="repere")
    b.communes.add(CommuneFactory(department=somme, epci=EpciFactory(department=somme)))
    response = visitor.get(reverse("territories:initiative-list"), query)
    assert response.status_code == 200
    assert {i.title for i in response.context["initiatives"]} == expected


def test_initiative_list_bad_filter_is_a_400(visitor):
    response = visitor.get(reverse("territories:initiative-list"), {"kind": "nimporte"})
    assert response.status_code == 400
    assert "Ce format n'existe pas." in text(response)


def test_initiative_list_query_count_is_fixed(visitor, django_assert_num_queries, themes):
    """Themes and territories of each card are prefetched."""
    for _ in range(6):
        initiative = InitiativeFactory()
        initiative.themes.add(themes[0])
        initiative.communes.add(CommuneFactory())
    # count, initiatives, themes, EPCI, communes, filter choices (themes, departments)
    with django_assert_num_queries(7):
        response = visitor.get(reverse("territories:initiative-list"))
    assert response.status_code == 200


def test_initiative_detail_query_count_is_fixed(visitor, django_assert_num_queries, themes):
    """Every related list of a case study is prefetched."""
    initiative = InitiativeFactory()
    initiative.themes.add(*themes)
    initiative.communes.add(CommuneFactory(), CommuneFactory())
    initiative.organisations.add(*OrganisationFactory.create_batch(3))
    DynamicFactory().initiatives.add(initiative)
    # initiative, themes, departments, EPCI, communes, organisations, dynamics
    with django_assert_num_queries(7):
        response = visitor.get(initiative.get_absolute_url())
    assert response.status_code == 200


def test_unpublished_initiative_is_a_404(visitor):
    assert visitor.get(InitiativeFactory(is_published=False).get_absolute_url()).status_code == 404


def test_epci_page_with_many_organisations_lists_the_first_and_links_the_directory_for_all(visitor):
    commune = CommuneFactory()
    OrganisationFactory.create_batch(EPCI_ORGANISATIONS_SHOWN + 2, commune=commune)

    response = visitor.get(commune.epci.get_absolute_url())

    assert len(response.context["organisations"]) == EPCI_ORGANISATIONS_SHOWN
    count = EPCI_ORGANISATIONS_SHOWN + 2
    assert f"Voir les {count} organisations dans l'annuaire" in text(response)
