"""/annuaire/: every filter, combinations, sort, pagination bounds, bad input, query counts."""

import gzip
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import Organisation
from directory.views.public import PAGE_SIZE
from tests.factories import (
    CommuneFactory,
    DepartmentFactory,
    EpciFactory,
    OrganisationFactory,
    SectorFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("directory:organisation-list")


def shown(response):
    return [organisation.name for organisation in response.context["organisations"]]


@pytest.fixture
def territory(db):
    """Two departments, two EPCI, three communes, a few organisations of every sort."""
    nord = DepartmentFactory(code="59", name="Nord", slug="nord")
    pas_de_calais = DepartmentFactory(code="62", name="Pas-de-Calais", slug="pas-de-calais")
    valenciennes_metropole = EpciFactory(siren="245901160", name="CA Valenciennes Métropole", department=nord)
    lens_lievin = EpciFactory(siren="246200364", name="CA de Lens - Liévin", department=pas_de_calais)
    valenciennes = CommuneFactory(
        insee_code="59606", name="Valenciennes", slug="valenciennes", department=nord, epci=valenciennes_metropole
    )
    marly = CommuneFactory(insee_code="59383", name="Marly", slug="marly", department=nord, epci=valenciennes_metropole)
    lens = CommuneFactory(insee_code="62498", name="Lens", slug="lens", department=pas_de_calais, epci=lens_lievin)
    food = SectorFactory(slug="alimentation", name="Alimentation")
    bikes = SectorFactory(slug="mobilite", name="Mobilité")
    coop_theme = ThemeFactory(slug="cooperations-economiques-territoriales", name="Coopérations")
    ptce = OrganisationFactory(name="PTCE Auton'hommes", slug="ptce-auton-hommes", kind="ptce", commune=valenciennes)
    velo = OrganisationFactory(name="La Maison du Vélo", slug="maison-du-velo", commune=valenciennes, is_member=True)
    velo.sectors.add(bikes)
    velo.ptces.add(ptce)
    epicerie = OrganisationFactory(name="Épicerie solidaire de Marly", slug="epicerie", commune=marly)
    epicerie.sectors.add(food)
    epicerie.themes.add(coop_theme)
    OrganisationFactory(name="Les Petits Magasins", slug="petits-magasins", kind="insertion", commune=lens)
    OrganisationFactory(
        name="La boîte Atout", slug="la-boite-atout", commune=valenciennes, status="closed", closed_on="2021-01-01"
    )
    OrganisationFactory(name="Brouillon caché", slug="brouillon", commune=lens, is_published=False)
    return {"ptce": ptce, "velo": velo}


def test_the_list_shows_published_organisations_and_their_count(visitor, territory):
    response = visitor.get(LIST_URL)
    assert response.status_code == 200
    assert "Brouillon caché" not in shown(response)
    assert len(shown(response)) == 5
    assert "5 structures" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "ptce"}, {"PTCE Auton'hommes"}),
        ({"kind": ["ptce", "insertion"]}, {"PTCE Auton'hommes", "Les Petits Magasins"}),
        ({"sector": "alimentation"}, {"Épicerie solidaire de Marly"}),
        ({"theme": "cooperations-economiques-territoriales"}, {"Épicerie solidaire de Marly"}),
        ({"departement": "62"}, {"Les Petits Magasins"}),
        (
            {"epci": "245901160"},
            {"PTCE Auton'hommes", "La Maison du Vélo", "Épicerie solidaire de Marly", "La boîte Atout"},
        ),
        ({"commune": "59383"}, {"Épicerie solidaire de Marly"}),
        ({"adherent": "oui"}, {"La Maison du Vélo"}),
        ({"ptce": "ptce-auton-hommes"}, {"La Maison du Vélo"}),
        ({"status": "closed"}, {"La boîte Atout"}),
        ({"q": "velo"}, {"La Maison du Vélo"}),
    ],
)
def test_each_filter(visitor, territory, params, expected):
    response = visitor.get(LIST_URL, params)
    assert response.status_code == 200
    assert set(shown(response)) == expected
    assert not response.context["filter_errors"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"epci": "245901160", "status": "active", "adherent": "non"},
            {"PTCE Auton'hommes", "Épicerie solidaire de Marly"},
        ),
        ({"departement": "59", "sector": "mobilite", "adherent": "oui"}, {"La Maison du Vélo"}),
        ({"departement": "62", "sector": "mobilite"}, set()),
        ({"q": "marly", "commune": "59383", "kind": "association"}, {"Épicerie solidaire de Marly"}),
        (
            {"adherent": "non", "status": "active", "departement": "59"},
            {"PTCE Auton'hommes", "Épicerie solidaire de Marly"},
        ),
    ],
)
def test_filters_combine(visitor, territory, params, expected):
    assert set(shown(visitor.get(LIST_URL, params))) == expected


def test_active_filters_are_shown_with_a_link_that_removes_each(visitor, territory):
    response = visitor.get(LIST_URL, {"departement": "59", "sector": "mobilite", "page": "1"})
    active = {item["label"]: item for item in response.context["active_filters"]}
    assert active["Département"]["value"] == "Nord"
    assert active["Secteur d'activité"]["remove_query"].urlencode() == "departement=59"
    body = response.content.decode()
    assert f'href="{LIST_URL}?departement=59"' in body
    assert f'href="{LIST_URL}?sector=mobilite"' in body
    assert "Retirer le filtre" in body


def test_sorting(visitor, territory):
    by_name = shown(visitor.get(LIST_URL, {"sort": "nom"}))
    # Case and accents ignored, the same on every database.
    assert by_name == [
        "Épicerie solidaire de Marly",
        "La boîte Atout",
        "La Maison du Vélo",
        "Les Petits Magasins",
        "PTCE Auton'hommes",
    ]
    assert shown(visitor.get(LIST_URL)) == by_name  # the default order
    reverse_names = shown(visitor.get(LIST_URL, {"sort": "-nom"}))
    assert reverse_names == list(reversed(by_name))
    by_commune = shown(visitor.get(LIST_URL, {"sort": "commune"}))
    assert by_commune[0] == "Les Petits Magasins"  # Lens comes before Marly and Valenciennes


def test_the_name_alone_orders_the_list_and_a_rename_moves_it(visitor, territory):
    """Namesakes stay in the order they were added, whatever their descriptions say; a renamed
    organisation takes its new place at once (the admin saves only the fields it changed)."""
    older = OrganisationFactory(name="Atelier", slug="atelier-zinguerie", short_description="Zinguerie.")
    newer = OrganisationFactory(name="Atelier", slug="atelier-affutage", short_description="Affûtage.")

    def slugs():
        return [organisation.slug for organisation in visitor.get(LIST_URL).context["organisations"]]

    assert slugs()[:2] == [older.slug, newer.slug]
    older.name = "Zinguerie des Hauts"
    older.save(update_fields=["name"])
    after_rename = slugs()
    assert after_rename[0] == newer.slug
    assert after_rename[-1] == older.slug


@pytest.mark.parametrize(
    "params",
    [
        {"sector": "n-existe-pas"},
        {"kind": "licorne"},
        {"departement": "99"},
        {"epci": "abc"},
        {"commune": "x" * 500},
        {"adherent": "peut-etre"},
        {"ptce": "inconnu"},
        {"status": "zombie"},
        {"sort": "hasard"},
        {"theme": "'; drop table--"},
    ],
)
def test_malformed_filters_answer_400_with_the_french_message_next_to_the_field(visitor, territory, params):
    response = visitor.get(LIST_URL, params)
    assert response.status_code == 400
    (name,) = params
    field = response.context["filterset"].form[name]
    assert response.context["filter_errors"] == [f"Filtre « {field.label} » : {' '.join(field.errors)}"]
    body = response.content.decode()
    assert "Un des filtres demandés n'est pas valide." in body
    assert f'<ul class="errorlist" id="{field.auto_id}_error">' in body  # next to the field, tied to it
    assert f'aria-describedby="{field.auto_id}_error"' in body
    assert shown(response) == []  # an empty list, not the list without the bad filter
    assert "Aucun résultat : un filtre n'est pas valide" in body


def test_a_bad_filter_message_says_what_is_wrong_in_french(visitor, territory):
    response = visitor.get(LIST_URL, {"departement": "62", "sector": "inconnu"})
    assert response.status_code == 400
    assert response.context["filter_errors"] == [
        "Filtre « Secteur d'activité » : Cette valeur n'est pas connue pour ce filtre."
    ]
    body = unescape(response.content.decode())
    assert "<a href=\"#id_sector\">Secteur d'activité</a> : Cette valeur n'est pas connue pour ce filtre." in body
    assert shown(response) == []
    assert response.context["active_filters"] == []  # nothing is applied, so nothing to remove


def test_a_bad_filter_on_a_later_page_is_still_a_400(visitor, territory):
    response = visitor.get(LIST_URL, {"kind": "licorne", "page": "2"})
    assert response.status_code == 400
    assert "« licorne » n'est pas une valeur connue pour ce filtre." in unescape(response.content.decode())


@pytest.mark.parametrize("params", [{"commune": "59\x00606"}, {"q": "\x00"}, {"sector": "\x00"}])
def test_null_bytes_are_refused_cleanly(visitor, territory, params):
    # The site's middleware refuses a NUL byte before any view: a 400, never a 500.
    assert visitor.get(LIST_URL, params).status_code == 400


def test_a_refused_filter_is_never_served_from_the_page_cache_as_a_200(visitor, territory):
    for _ in range(2):
        assert visitor.get(LIST_URL, {"sector": "inconnu"}).status_code == 400


@pytest.mark.parametrize("page", ["0", "abc", "99999", "-1", "1.5"])
def test_pages_out_of_range_are_404(visitor, territory, page):
    assert visitor.get(LIST_URL, {"page": page}).status_code == 404


def test_pagination_keeps_the_filters(visitor, db):
    commune = CommuneFactory()
    OrganisationFactory.create_batch(PAGE_SIZE + 3, commune=commune, kind="scop")
    response = visitor.get(LIST_URL, {"kind": "scop"})
    assert len(shown(response)) == PAGE_SIZE
    assert 'href="?kind=scop&amp;page=2"' in response.content.decode()
    second = visitor.get(LIST_URL, {"kind": "scop", "page": "2"})
    assert len(shown(second)) == 3
    assert 'href="?kind=scop"' in second.content.decode()  # page 1 has a single URL
    assert visitor.get(LIST_URL, {"kind": "scop", "page": "3"}).status_code == 404


def test_an_empty_result_says_so(visitor, territory):
    response = visitor.get(LIST_URL, {"q": "zzzzzz"})
    assert response.status_code == 200
    assert "Aucune structure ne correspond" in response.content.decode()


def test_the_list_links_to_the_map_and_the_data_with_the_same_filters(visitor, territory):
    body = visitor.get(LIST_URL, {"sector": "alimentation", "q": ""}).content.decode()
    assert f'href="{reverse("directory:map")}?sector=alimentation"' in body
    assert f'href="{reverse("directory:organisation-export-csv")}?sector=alimentation"' in body
    assert "Licence Ouverte 2.0" in body


def _organisations_with_links(count, sectors_each):
    commune = CommuneFactory()
    sectors = [SectorFactory() for _ in range(sectors_each)]
    for _ in range(count):
        organisation = OrganisationFactory(commune=commune)
        organisation.sectors.set(sectors)


# Queries for the first list page after a change: session-less GET → the data version (page cache key), count,
# page of organisations (commune joined), the ids of their sectors (one query), the sectors themselves (once per
# data version: directory/taxonomy.py), then the filter form's select options: sectors, themes, departments,
# EPCI, PTCE (once per data version too).
LIST_QUERIES = 10


@pytest.mark.parametrize(("count", "sectors_each"), [(3, 1), (PAGE_SIZE, 4)])
def test_list_query_count_is_fixed(visitor, django_assert_num_queries, count, sectors_each):
    """Prevents one query per card (commune, sectors), whatever the page size and the sectors per organisation."""
    _organisations_with_links(count, sectors_each)
    with django_assert_num_queries(LIST_QUERIES):
        response = visitor.get(LIST_URL)
    assert len(shown(response)) == count


def test_filtered_list_query_count_is_fixed(visitor, territory, django_assert_num_queries):
    """Validating model-backed filters costs one query each, never one per organisation."""
    # + sector, department and PTCE lookups of the filter validation
    with django_assert_num_queries(LIST_QUERIES + 3):
        visitor.get(LIST_URL, {"sector": "mobilite", "departement": "59", "ptce": "ptce-auton-hommes"})


def test_closed_organisations_are_marked(visitor, territory):
    body = visitor.get(LIST_URL, {"q": "atout"}).content.decode()
    assert "Fermée en 2021" in body


def test_unpublished_never_listed(visitor, territory):
    assert Organisation.objects.filter(is_published=False).exists()
    assert "Brouillon" not in visitor.get(LIST_URL, {"q": "brouillon"}).content.decode()


# --- Page cache ----------------------------------------------------------------------------------


def test_a_repeated_list_is_served_from_the_page_cache_without_queries(visitor, django_assert_num_queries):
    """Rendering dominates the list's cost: an anonymous repeat of the same query runs no SQL at all."""
    OrganisationFactory(name="Maison du Vélo", slug="maison-du-velo")
    first = visitor.get(reverse("directory:organisation-list"), {"q": "velo"})
    with django_assert_num_queries(0):
        second = visitor.get(reverse("directory:organisation-list"), {"q": "velo"})
    assert second.status_code == 200
    assert second.content == first.content


def test_a_cached_list_is_sent_compressed_to_browsers_that_accept_it(visitor):
    """The page cache keeps each page with its gzip form: a browser that accepts gzip gets those bytes, the
    same HTML as a client that does not, whether the page was just rendered or read from the cache."""
    OrganisationFactory(name="Maison du Vélo", slug="maison-du-velo")
    fresh = visitor.get(LIST_URL, {"q": "velo"}, headers={"accept-encoding": "gzip, br"})
    repeated = visitor.get(LIST_URL, {"q": "velo"}, headers={"accept-encoding": "gzip, br"})
    plain = visitor.get(LIST_URL, {"q": "velo"})
    for compressed in (fresh, repeated):
        assert compressed["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in compressed["Vary"]
        assert gzip.decompress(compressed.content) == plain.content
    assert "Content-Encoding" not in plain
    assert "Maison du Vélo" in plain.content.decode()
    assert plain["Content-Type"] == "text/html; charset=utf-8"


def test_a_saved_organisation_shows_at_once_despite_the_page_cache(visitor):
    organisation = OrganisationFactory(name="Épicerie solidaire", slug="epicerie-solidaire")
    assert "Épicerie solidaire" in visitor.get(reverse("directory:organisation-list")).content.decode()
    organisation.name = "Épicerie solidaire de Marly"
    organisation.save()
    assert "Épicerie solidaire de Marly" in visitor.get(reverse("directory:organisation-list")).content.decode()


def test_signed_in_people_always_get_a_fresh_list(client, administrator, django_assert_max_num_queries):
    OrganisationFactory(name="Recyclerie du Hainaut", slug="recyclerie-du-hainaut")
    client.get(reverse("directory:organisation-list"))  # anonymous: fills the cache
    client.force_login(administrator)
    with django_assert_max_num_queries(20) as captured:
        client.get(reverse("directory:organisation-list"))
    assert len(captured) > 0


@pytest.mark.parametrize(
    "query",
    [{}, {"sort": "-nom"}, {"sort": "commune"}, {"sort": "recent"}, {"q": "atelier"}, {"q": "atelier", "sort": "nom"}],
)
def test_a_deep_page_shows_the_rows_of_the_whole_ordered_list(visitor, query):
    """Pages read their rows by key (a deferred join): page 3 is the third slice of the list, in any order,
    in as many queries as page 2 (page 1 also builds the filter choices of this data version)."""
    communes = [CommuneFactory(name=name) for name in ("Arras", "Lille", "Lens")]
    for number in range(3 * PAGE_SIZE + 5):
        # Every name matches the search, half of them twice: its relevance order differs from the names'.
        name = f"Atelier {'atelier' if number % 2 else 'maison'} {number:03d}"
        OrganisationFactory(name=name, commune=communes[number % 3])
    pages = {}
    for page in (1, 2, 3):
        with CaptureQueriesContext(connection) as queries:
            response = visitor.get(LIST_URL, {**query, "page": page})
        pages[page] = (shown(response), len(queries))
    ordered = [organisation.name for organisation in response.context["filterset"].qs]
    assert pages[3][0] == ordered[2 * PAGE_SIZE : 3 * PAGE_SIZE]
    assert pages[1][0] + pages[2][0] + pages[3][0] == ordered[: 3 * PAGE_SIZE]
    assert pages[3][1] == pages[2][1]
