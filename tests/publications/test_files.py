"""What the site reads and renders from a PDF: page count, size, cover, previews (real files, no mocks)."""

import io
import os

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from publications.covers import COVER_WIDTH, render_cover
from publications.models import Publication
from publications.pdf import latin1_safe
from tests.factories import PublicationFactory
from tests.publications.conftest import make_pdf, png_bytes

pytestmark = pytest.mark.django_db

GREEN = (47, 111, 94)


def close_to(pixel, colour, tolerance=12):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def test_the_cover_is_the_first_page_of_the_pdf():
    jpeg = render_cover(make_pdf())
    image = Image.open(io.BytesIO(jpeg))
    assert image.format == "JPEG"
    assert image.width == COVER_WIDTH
    assert 1.40 < image.height / image.width < 1.43  # A4
    # The demo title page starts with a green band and has a white lower half.
    assert close_to(image.getpixel((10, 10)), GREEN)
    assert close_to(image.getpixel((10, image.height - 10)), (255, 255, 255))


def test_saving_a_publication_reads_its_pdf_and_renders_cover_and_previews():
    publication = PublicationFactory(pdf_file=ContentFile(make_pdf(pages=6), name="carnet.pdf"))
    publication.refresh_from_db()
    assert publication.page_count == 6
    assert publication.file_size == publication.pdf_file.size
    assert publication.cover_is_generated
    assert (publication.cover_width, publication.cover_height) == Image.open(publication.cover.path).size
    with Image.open(publication.cover.path) as cover:
        assert close_to(cover.getpixel((10, 10)), GREEN)
    previews = list(publication.previews.all())
    assert [preview.number for preview in previews] == [1, 2, 3, 4]
    assert all(Image.open(preview.image.path).format == "JPEG" for preview in previews)


def test_an_uploaded_cover_is_kept_when_the_pdf_is_replaced():
    publication = PublicationFactory(cover=ContentFile(png_bytes(300, 420), name="couverture.png"))
    assert not publication.cover_is_generated
    uploaded = publication.cover.name
    publication = Publication.objects.get(pk=publication.pk)
    publication.pdf_file = ContentFile(make_pdf(pages=3), name="nouvelle-version.pdf")
    publication.save()
    assert publication.cover.name == uploaded
    assert publication.page_count == 3
    assert publication.previews.count() == 3


def test_a_generated_cover_follows_a_new_pdf_and_the_old_pictures_go(media_root):
    publication = PublicationFactory()
    with open(publication.cover.path, "rb") as file:
        old_cover = file.read()
    publication = Publication.objects.get(pk=publication.pk)
    publication.pdf_file = ContentFile(make_pdf(title="Deuxième édition", pages=3), name="v2.pdf")
    publication.save()
    assert publication.cover_is_generated
    with open(publication.cover.path, "rb") as file:
        assert file.read() != old_cover
    # Derived pictures of the first PDF are removed, not left behind.
    assert len(os.listdir(media_root / "publications" / "covers")) == 1
    assert len(os.listdir(media_root / "publications" / "previews")) == 3
    assert publication.previews.count() == 3


def test_clearing_an_uploaded_cover_brings_back_the_first_page():
    publication = PublicationFactory(cover=ContentFile(png_bytes(), name="couverture.png"))
    publication = Publication.objects.get(pk=publication.pk)
    publication.cover = None
    publication.save()
    assert publication.cover
    assert publication.cover_is_generated


def test_editing_the_text_does_not_render_again():
    publication = PublicationFactory()
    cover, previews = publication.cover.name, list(publication.previews.values_list("image", flat=True))
    publication = Publication.objects.get(pk=publication.pk)
    publication.summary = "Une présentation revue."
    publication.save()
    assert publication.cover.name == cover
    assert list(publication.previews.values_list("image", flat=True)) == previews


def test_a_partner_document_may_have_only_an_external_link():
    publication = Publication.objects.create(
        title="Étude d'un partenaire",
        slug="etude-partenaire",
        collection=Publication.Collection.PARTNERS,
        summary="Une étude.",
        external_url="https://example.org/etude",
    )
    assert not publication.cover and publication.page_count is None


def test_a_publication_needs_a_file_or_a_link():
    publication = Publication(title="Sans fichier", slug="sans-fichier", collection="carnets", summary="x")
    with pytest.raises(Exception, match="Déposez le PDF ou indiquez un lien externe"):
        publication.full_clean()


def test_french_text_is_made_drawable_by_the_pdf_core_fonts():
    assert latin1_safe("L’œuvre « commune » — déjà…") == "L'oeuvre « commune » - déjà..."
