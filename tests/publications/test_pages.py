"""The library /carnets/ and a document's page, as a visitor sees them."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from publications.models import Publication
from tests.factories import (
    DepartmentFactory,
    EpciFactory,
    OrganisationFactory,
    PublicationFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("publications:publication-list")


def page_text(response):
    return html.unescape(response.content.decode())


def visible_text(response):
    """The page's text as a person reads it: tags removed, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split()).replace(" )", ")").replace("( ", "(")


def titles(response):
    return [publication.title for publication in response.context["publications"]]


@pytest.fixture
def library():
    """Three documents of different collections, years, themes and territories."""
    nord = DepartmentFactory(code="59", name="Nord", slug="nord")
    aisne = DepartmentFactory(code="02", name="Aisne", slug="aisne")
    valenciennes = EpciFactory(name="CA Valenciennes Métropole", slug="ca-valenciennes-metropole", department=nord)
    recit = ThemeFactory(slug="mise-en-recit", name="Mise en récit")
    immobilier = ThemeFactory(slug="immobilier-activite", name="Immobilier d'activité")
    bail = PublicationFactory(
        title="Le Bail Commercial d'Utilité Sociale",
        slug="bail-commercial-d-utilite-sociale",
        published_on=datetime.date(2021, 1, 1),
    )
    bail.themes.add(immobilier)
    trajectoires = PublicationFactory(
        title="Petites et grandes trajectoires de l'économie solidaire dans le Valenciennois",
        slug="trajectoires",
        published_on=datetime.date(2024, 1, 1),
        summary="Une décennie d'animation territoriale, racontée par celles et ceux qui l'ont vécue.",
    )
    trajectoires.themes.add(recit)
    trajectoires.epcis.add(valenciennes)
    panorama = PublicationFactory(
        title="Économie locale et solidaire",
        slug="panorama",
        collection=Publication.Collection.PARTNERS,
        kind=Publication.Kind.PANORAMA,
        publisher="DREETS Hauts-de-France",
        published_on=datetime.date(2025, 7, 1),
        published_on_precision="month",
    )
    panorama.departments.add(aisne)
    return {"bail": bail, "trajectoires": trajectoires, "panorama": panorama}


def test_the_library_shows_covers_titles_years_and_collections_newest_first(visitor, library):
    response = visitor.get(LIST_URL)
    assert response.status_code == 200
    assert titles(response) == [
        "Économie locale et solidaire",
        "Petites et grandes trajectoires de l'économie solidaire dans le Valenciennois",
        "Le Bail Commercial d'Utilité Sociale",
    ]
    page = page_text(response)
    assert library["trajectoires"].cover.url in page
    assert "Les carnets de l'Apes" in page and "Études et panoramas de partenaires" in page
    assert ">2024<" in page and ">2025<" in page
    assert "3 publications" in page
    assert 'type="application/atom+xml"' in page


def test_undated_and_unpublished_documents(visitor, library):
    PublicationFactory(title="Plaquette sans date", published_on=None)
    PublicationFactory(title="Brouillon", is_published=False)
    response = visitor.get(LIST_URL)
    assert titles(response)[-1] == "Plaquette sans date"
    assert "Brouillon" not in titles(response)
    assert "Non daté" in page_text(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("collection=partenaires", ["Économie locale et solidaire"]),
        ("theme=mise-en-recit", ["Petites et grandes trajectoires de l'économie solidaire dans le Valenciennois"]),
        ("annee=2021", ["Le Bail Commercial d'Utilité Sociale"]),
        (
            "territoire=epci-ca-valenciennes-metropole",
            ["Petites et grandes trajectoires de l'économie solidaire dans le Valenciennois"],
        ),
        # A department covers the documents about its intercommunalities.
        (
            "territoire=departement-59",
            ["Petites et grandes trajectoires de l'économie solidaire dans le Valenciennois"],
        ),
        ("territoire=departement-02", ["Économie locale et solidaire"]),
        # Search ignores accents and case, and looks in the summary too.
        ("q=UTILITE sociale", ["Le Bail Commercial d'Utilité Sociale"]),
        ("q=decennie", ["Petites et grandes trajectoires de l'économie solidaire dans le Valenciennois"]),
        ("q=dreets", ["Économie locale et solidaire"]),
        ("q=introuvable", []),
    ],
)
def test_filters_and_search(visitor, library, query, expected):
    response = visitor.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    assert titles(response) == expected


def test_filter_choices_offer_only_what_exists(visitor, library):
    form = visitor.get(LIST_URL).context["filterset"].form
    assert [value for value, _label in form.fields["annee"].choices if value] == ["2025", "2024", "2021"]
    assert {theme.slug for theme in form.fields["theme"].queryset} == {"mise-en-recit", "immobilier-activite"}
    groups = dict(form.fields["territoire"].choices[1:])
    assert groups["Départements"] == [("departement-02", "Aisne"), ("departement-59", "Nord")]
    assert groups["Intercommunalités"] == [("epci-ca-valenciennes-metropole", "CA Valenciennes Métropole")]


@pytest.mark.parametrize(
    "query",
    [
        "collection=inconnue",
        "theme=pas-un-theme",
        "annee=deux-mille",
        "annee=1850",
        "territoire=epci-nulle-part",
        "territoire=departement-99",
        "q=" + "x" * 101,
    ],
)
def test_bad_filter_values_answer_400_with_a_french_message(visitor, library, query):
    response = visitor.get(f"{LIST_URL}?{query}")
    assert response.status_code == 400
    assert "Un des filtres demandés n'est pas valide" in page_text(response)
    assert titles(response) == []


def test_a_filter_error_is_tied_to_its_field(visitor, library):
    page = visitor.get(f"{LIST_URL}?annee=deux-mille").content.decode()
    assert 'aria-describedby="id_annee_error"' in page
    assert '<ul class="errorlist" id="id_annee_error">' in page


def test_pages_keep_the_filters_and_past_the_end_is_404(visitor):
    for number in range(14):
        PublicationFactory(title=f"Carnet {number:02d}", published_on=datetime.date(2020, 1, 1 + number))
    first = visitor.get(f"{LIST_URL}?collection=carnets")
    assert len(titles(first)) == 12
    assert 'href="?collection=carnets&amp;page=2"' in first.content.decode()
    second = visitor.get(f"{LIST_URL}?collection=carnets&page=2")
    assert titles(second) == ["Carnet 01", "Carnet 00"]
    assert visitor.get(f"{LIST_URL}?page=3").status_code == 404
    assert visitor.get(f"{LIST_URL}?page=abc").status_code == 404


def test_the_list_makes_a_fixed_number_of_queries(visitor, library, django_assert_num_queries):
    """Prevents one query per card: years, territories (2), themes, count and page, whatever the page size."""
    with django_assert_num_queries(6):
        visitor.get(LIST_URL)
    for number in range(10):
        PublicationFactory(title=f"Autre carnet {number}")
    with django_assert_num_queries(6):
        response = visitor.get(LIST_URL)
    assert len(titles(response)) == 12


def test_the_detail_page_tells_everything_about_the_document(visitor, library):
    publication = library["trajectoires"]
    publication.credit_direction = "Luc Belval, président de l'Apes"
    publication.credit_writing = "Magali Nayrac et Karine Attinault"
    publication.save()
    organisation = OrganisationFactory(name="PHARE", slug="phare")
    publication.organisations.add(organisation)
    response = visitor.get(publication.get_absolute_url())
    assert response.status_code == 200
    page = page_text(response)
    assert "<h1>Petites et grandes trajectoires de l'économie solidaire dans le Valenciennois</h1>" in page
    assert "Une décennie d'animation territoriale" in page
    assert "Direction de la publication" in page and "Luc Belval, président de l'Apes" in page
    assert "Magali Nayrac et Karine Attinault" in page
    assert f'href="{publication.get_download_url()}"' in page
    size = f"{publication.file_size / 1024:.1f}".replace(".", ",")
    # Django's filesizeformat, in French (binary units); split() folds its NBSP.
    assert f"Télécharger le PDF ({size} Kio, 2 pages)" in visible_text(response)
    for preview in publication.previews.all():
        assert preview.image.url in page
    assert 'alt="Page 1"' in page
    assert 'href="/thematiques/mise-en-recit/"' in page
    assert "CA Valenciennes Métropole" in page
    assert f'href="{organisation.get_absolute_url()}"' in page


def test_the_detail_page_shares_its_cover(visitor, library):
    publication = library["bail"]
    page = page_text(visitor.get(publication.get_absolute_url()))
    assert f'<meta property="og:image" content="http://testserver{publication.cover.url}">' in page
    assert '<meta property="og:title" content="Le Bail Commercial d\'Utilité Sociale">' in page
    assert '<meta property="og:image:width" content="600">' in page


def test_the_date_is_shown_as_precisely_as_known(visitor, library):
    assert "juillet 2025" in page_text(visitor.get(library["panorama"].get_absolute_url()))
    assert "2021" in page_text(visitor.get(library["bail"].get_absolute_url()))


def test_the_detail_makes_a_fixed_number_of_queries(visitor, library, django_assert_num_queries):
    """Prevents one query per theme, territory, organisation, dynamic or preview: the document and 6 prefetches."""
    publication = library["trajectoires"]
    with django_assert_num_queries(7):
        visitor.get(publication.get_absolute_url())
    publication.themes.add(ThemeFactory(), ThemeFactory())
    publication.organisations.add(OrganisationFactory(), OrganisationFactory())
    with django_assert_num_queries(7):
        visitor.get(publication.get_absolute_url())


def test_unknown_and_unpublished_documents_are_404(visitor):
    assert visitor.get(reverse("publications:publication-detail", args=["inconnu"])).status_code == 404
    hidden = PublicationFactory(is_published=False)
    assert visitor.get(hidden.get_absolute_url()).status_code == 404


def test_a_renamed_document_redirects_from_its_old_address(visitor):
    publication = PublicationFactory(slug="mise-en-recit")
    publication.slug = "mise-en-recit-des-territoires-et-ess"
    publication.save()
    response = visitor.get(reverse("publications:publication-detail", args=["mise-en-recit"]))
    assert response.status_code == 301
    assert response["Location"] == publication.get_absolute_url()


def test_feed_is_a_reserved_address():
    publication = PublicationFactory.build(slug="feed")
    with pytest.raises(Exception, match="réservé"):
        publication.full_clean()
