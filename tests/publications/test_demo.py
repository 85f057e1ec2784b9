"""Demo content: real PDFs generated from the project's own text, seeded idempotently."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from core.validators import validate_pdf_file
from publications import demo
from publications.models import Publication
from tests.factories import EpciFactory, ThemeFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    "bail-commercial-d-utilite-sociale": ("Le Bail Commercial d'Utilité Sociale", 2021, "carnets"),
    "mise-en-recit-des-territoires-et-ess": ("Mise en récit des territoires et ESS", 2022, "carnets"),
    "trajectoires-economie-solidaire-valenciennois": (
        "Petites et grandes trajectoires de l'économie solidaire dans le Valenciennois",
        2024,
        "carnets",
    ),
    "propositions-municipales-2026": ("L'économie solidaire : un atout pour les territoires !", None, "plaidoyers"),
    "presentation-de-l-apes": (
        "Un réseau d'acteurs pour une économie solidaire en Hauts-de-France",
        None,
        "plaquettes",
    ),
    "economie-solidaire-developpement-durable": (
        "L'économie solidaire : une démarche de développement durable",
        None,
        "plaquettes",
    ),
    "panorama-economie-locale-et-solidaire": ("Économie locale et solidaire", 2025, "partenaires"),
}


def quiet(message):
    pass


def test_the_demo_library_has_its_seven_documents_with_real_pdfs():
    demo.seed(quiet)
    publications = {p.slug: p for p in Publication.objects.all()}
    assert set(publications) == set(EXPECTED)
    for slug, (title, year, collection) in EXPECTED.items():
        publication = publications[slug]
        assert (publication.title, publication.year, publication.collection) == (title, year, collection)
        with publication.pdf_file.open("rb") as file:
            data = file.read()
        validate_pdf_file(SimpleUploadedFile("demo.pdf", data))  # passes the admin's upload checks
        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) == publication.page_count >= 2
        first_page = reader.pages[0].extract_text()
        assert "Apes" in first_page or "DREETS" in first_page
        summary_page = reader.pages[1].extract_text()
        assert "Présentation" in summary_page
        assert publication.cover_is_generated and os.path.exists(publication.cover.path)
        assert publication.previews.exists()
    panorama = publications["panorama-economie-locale-et-solidaire"]
    assert panorama.publisher == "DREETS Hauts-de-France"
    assert panorama.date_label == "juillet 2025"
    valenciennois = publications["trajectoires-economie-solidaire-valenciennois"]
    assert valenciennois.credit_writing == "Magali Nayrac et Karine Attinault"


def test_the_summary_is_in_the_pdf():
    demo.seed(quiet)
    publication = Publication.objects.get(slug="trajectoires-economie-solidaire-valenciennois")
    with publication.pdf_file.open("rb") as file:
        text = " ".join(page.extract_text() for page in PdfReader(file).pages)
    assert "Magali Nayrac et Karine Attinault" in text
    assert "PHARE" in text


def test_seeding_twice_changes_nothing(media_root):
    demo.seed(quiet)
    files = sorted(str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file())
    history = Publication.history.count()
    demo.seed(quiet)
    assert sorted(str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file()) == files
    assert Publication.objects.count() == len(EXPECTED)
    assert Publication.history.count() == history


def test_a_changed_summary_replaces_the_pdf(media_root):
    entries = demo.load_entries()
    entry = next(e for e in entries if e["slug"] == "bail-commercial-d-utilite-sociale")
    publication, status = demo.seed_publication(entry)
    assert status == "created"
    before = publication.file_size
    entry = {**entry, "summary": [*entry["summary"], "Un paragraphe ajouté pour la nouvelle édition."]}
    publication, status = demo.seed_publication(entry)
    assert status == "updated"
    assert publication.file_size != before
    assert len(list((media_root / "publications" / "pdf").iterdir())) == 1


def test_links_are_made_when_the_targets_exist_and_skipped_otherwise():
    theme = ThemeFactory(slug="immobilier-activite", name="Immobilier d'activité")
    EpciFactory(siren="245901160", name="CA Valenciennes Métropole", slug="ca-valenciennes-metropole")
    messages = []
    demo.seed(messages.append)
    assert list(Publication.objects.get(slug="bail-commercial-d-utilite-sociale").themes.all()) == [theme]
    assert [
        e.siren for e in Publication.objects.get(slug="trajectoires-economie-solidaire-valenciennois").epcis.all()
    ] == ["245901160"]
    assert any("not found, skipped" in message for message in messages)


def test_a_database_reset_reuses_the_generated_pdfs(media_root):
    demo.seed(quiet)
    pdfs = sorted((media_root / "publications" / "pdf").iterdir())
    Publication.objects.all().delete()  # the files stay, as after a database reset
    demo.seed(quiet)
    assert sorted((media_root / "publications" / "pdf").iterdir()) == pdfs
    assert {p.pdf_file.name for p in Publication.objects.all()} == {f"publications/pdf/{p.name}" for p in pdfs}
