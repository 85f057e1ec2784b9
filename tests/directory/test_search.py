"""Search that forgives: case, accents, apostrophes, hyphens, missing spaces and small typos."""

import pytest
from django.db import connection
from django.urls import reverse

from core.text import normalize
from directory.filters import OrganisationFilterSet
from directory.models import Organisation
from directory.views.public import OrganisationListView
from tests.directory.test_list import LIST_QUERIES
from tests.factories import CommuneFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("directory:organisation-list")
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="typo tolerance needs pg_trgm")


@pytest.fixture
def actors(db):
    lens = CommuneFactory(name="Mazingarbe", slug="mazingarbe")
    OrganisationFactory(name="Activ'Cités", slug="activ-cites", commune=lens, short_description="Régie de quartier.")
    OrganisationFactory(name="Les Compagnons du compost", slug="compagnons", short_description="Compostage.")
    OrganisationFactory(name="La Maison du Vélo", slug="maison-du-velo", short_description="Atelier de réparation.")
    OrganisationFactory(name="Les Déchainés du bocal", slug="dechaines", short_description="Bocaux en verre.")
    OrganisationFactory(name="Fédération Locale Alternative Culturelle", slug="flac", short_description="Tiers-lieu.")


def names(query):
    return list(Organisation.objects.published().search(query).order_by("-search_rank").values_list("name", flat=True))


@pytest.mark.parametrize(
    "query", ["activ cites", "Activ'Cités", "activcites", "ACTIV-CITES", "activ’cités", "  Activ  Cités "]
)
def test_every_spelling_of_activ_cites_finds_it(actors, query):
    assert names(query)[0] == "Activ'Cités"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("velo", "La Maison du Vélo"),
        ("MAISON DU VÉLO", "La Maison du Vélo"),
        ("déchainés", "Les Déchainés du bocal"),
        ("dechaines bocal", "Les Déchainés du bocal"),
        ("compost", "Les Compagnons du compost"),
        ("mazingarbe", "Activ'Cités"),  # the commune is searchable too
        ("regie quartier", "Activ'Cités"),  # and the short description
    ],
)
def test_accents_case_and_word_order_do_not_matter(actors, query, expected):
    assert expected in names(query)


def test_unrelated_query_finds_nothing(actors):
    assert names("boulangerie industrielle") == []


def test_a_query_of_punctuation_only_keeps_everything(actors):
    assert Organisation.objects.search("'-!?").count() == Organisation.objects.count()


@on_postgresql
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("compagons du compost", "Les Compagnons du compost"),
        ("dechainé du boccal", "Les Déchainés du bocal"),
        ("la maisson du velo", "La Maison du Vélo"),
        ("activ citées", "Activ'Cités"),
    ],
)
def test_small_typos_are_forgiven_on_postgresql(actors, query, expected):
    assert names(query)[0] == expected


def test_the_list_ranks_the_best_match_first(visitor, actors):
    OrganisationFactory(name="Cités unies", slug="cites-unies")
    response = visitor.get(LIST_URL, {"q": "activ cites"})
    assert response.status_code == 200
    assert list(response.context["organisations"])[0].name == "Activ'Cités"


def test_search_text_holds_a_space_free_copy_of_the_name(actors):
    organisation = Organisation.objects.get(slug="activ-cites")
    assert "activcites" in organisation.search_text
    assert organisation.search_text == normalize(organisation.search_text)


def test_a_name_match_ranks_before_a_description_match(actors):
    OrganisationFactory(name="Atelier partagé", slug="atelier", short_description="Un lieu ouvert à tous.")
    assert names("atelier")[:2] == ["Atelier partagé", "La Maison du Vélo"]


def test_a_very_long_query_answers_without_error(visitor, actors):
    response = visitor.get(LIST_URL, {"q": "vélo " * 400})
    assert response.status_code == 200
    assert [organisation.name for organisation in response.context["organisations"]] == ["La Maison du Vélo"]


@on_postgresql
def test_a_query_of_stop_words_only_finds_nothing(actors):
    assert names("de la du") == []


@on_postgresql
def test_the_stored_vector_follows_every_write_path(actors):
    Organisation.objects.filter(slug="dechaines").update(name="Les Bocaux solidaires")
    Organisation.objects.bulk_create([Organisation(name="Ressourcerie", slug="ress", search_text="ressourcerie")])
    assert names("ressourcerie") == ["Ressourcerie"]
    assert Organisation.objects.filter(slug="dechaines").search("solidaires").exists()


def test_a_search_costs_a_fixed_number_of_queries(visitor, actors, django_assert_num_queries):
    """Count, page and sectors as for any list, the filter options, plus on PostgreSQL one probe of the full text."""
    probe = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(LIST_QUERIES + probe):
        visitor.get(LIST_URL, {"q": "compost"})
    # The filter options and the sectors the cards name are read once per data version, and the process keeps
    # its copy of the data version until a change.
    with django_assert_num_queries(LIST_QUERIES - 5 - 1 - 1 + probe):
        visitor.get(LIST_URL, {"q": "velo"})


@pytest.fixture
def bounded(monkeypatch):
    """A search lists at most 3 matches, 2 a page (1,000 and 24 in production)."""
    monkeypatch.setattr(OrganisationFilterSet, "search_listed", 3)
    monkeypatch.setattr(OrganisationListView, "paginate_by", 2)


def listed(response):
    return [organisation.name for organisation in response.context["organisations"]]


def test_a_search_with_more_matches_than_listed_says_so_and_lists_them_by_name(visitor, actors, bounded):
    for name in ("Zèbre solidaire", "Atelier solidaire", "Maison solidaire", "Bocal solidaire"):
        OrganisationFactory(name=name, slug=normalize(name).replace(" ", "-"))
    OrganisationFactory(name="Aaa", slug="aaa", short_description="Épicerie solidaire.")

    first = visitor.get(LIST_URL, {"q": "solidaire"})
    assert "Plus de 3 structures" in first.text
    assert "La liste montre les 3 plus récemment ajoutées, par ordre alphabétique" in first.text
    # The three added last, by name, not by rank: the description-only match "Aaa" comes first.
    assert listed(first) == ["Aaa", "Bocal solidaire"]
    assert listed(visitor.get(LIST_URL, {"q": "solidaire", "page": 2})) == ["Maison solidaire"]
    assert visitor.get(LIST_URL, {"q": "solidaire", "page": 3}).status_code == 404


def test_a_search_within_the_bound_is_ranked_and_counted_exactly(visitor, actors, bounded):
    OrganisationFactory(name="Atelier partagé", slug="atelier", short_description="Un lieu ouvert à tous.")
    response = visitor.get(LIST_URL, {"q": "atelier"})
    assert listed(response) == ["Atelier partagé", "La Maison du Vélo"]
    assert "2 structures" in response.text
    assert "Plus de" not in response.text
    assert "premières" not in response.text


def test_a_bounded_search_sorted_on_purpose_keeps_that_order(visitor, actors, bounded):
    for name in ("Zèbre solidaire", "Atelier solidaire", "Maison solidaire", "Bocal solidaire"):
        OrganisationFactory(name=name, slug=normalize(name).replace(" ", "-"))
    response = visitor.get(LIST_URL, {"q": "solidaire", "sort": "-nom"})
    assert listed(response) == ["Maison solidaire", "Bocal solidaire"]  # of the three added last
    assert "La liste montre les 3 plus récemment ajoutées." in response.text


def test_a_list_without_search_is_counted_and_listed_whole(visitor, actors, bounded):
    response = visitor.get(LIST_URL)
    assert "5 structures" in response.text
    assert visitor.get(LIST_URL, {"page": 3}).status_code == 200
