"""Covers at the sizes pages show them: smaller AVIF, WebP and JPEG copies made when the cover changes."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from publications.covers import COVER_SIZES, COVER_WIDTH
from publications.models import Publication
from tests.factories import PublicationFactory
from tests.publications.conftest import make_pdf, png_bytes

pytestmark = pytest.mark.django_db

FORMATS = {"avif": "AVIF", "webp": "WEBP", "jpg": "JPEG"}


def files_of(publication):
    return {(size["width"], size["format"]): size["name"] for size in publication.cover_sizes}


def test_uploading_a_pdf_makes_the_cover_at_every_width_in_every_format():
    publication = PublicationFactory(pdf_file=ContentFile(make_pdf(), name="carnet.pdf"))
    publication.refresh_from_db()
    files = files_of(publication)
    assert set(files) == {(width, extension) for width in COVER_SIZES for extension in FORMATS}
    storage = publication.cover.storage
    for (width, extension), name in files.items():
        with Image.open(storage.path(name)) as image:
            assert image.format == FORMATS[extension]
            assert image.width == width
            assert 1.40 < image.height / image.width < 1.43  # still A4
    # The smallest copy weighs a fraction of the cover the card used to get.
    assert storage.size(files[(200, "jpg")]) < publication.cover.size / 2


def test_the_pages_offer_avif_then_webp_then_jpeg_at_the_size_they_show(visitor):
    publication = PublicationFactory(slug="carnet-test", pdf_file=ContentFile(make_pdf(), name="carnet.pdf"))
    detail = visitor.get(publication.get_absolute_url()).content.decode()
    picture = re.search(r'<div class="publication-header-cover">\s*<picture>(.*?)</picture>', detail, re.S).group(1)
    types = re.findall(r'<source type="([^"]+)"', picture)
    assert types == ["image/avif", "image/webp"]
    assert 'sizes="16rem"' in picture
    img = re.search(r"<img [^>]+>", picture).group(0)
    assert f"{publication.cover.url} {COVER_WIDTH}w" in img
    assert "/media/publications/cover-sizes/carnet-test-200.jpg 200w" in img
    assert "Couverture de « " in img
    listing = visitor.get(reverse("publications:publication-list")).content.decode()
    assert "/media/publications/cover-sizes/carnet-test-200.avif 200w" in listing
    assert 'sizes="(max-width: 40rem) 45vw, 12rem"' in listing


def test_an_uploaded_cover_replaces_the_copies_of_the_rendered_one():
    publication = PublicationFactory(pdf_file=ContentFile(make_pdf(), name="carnet.pdf"))
    old = files_of(publication)
    storage = publication.cover.storage
    publication = Publication.objects.get(pk=publication.pk)
    publication.cover = ContentFile(png_bytes(400, 566, colour=(200, 30, 30)), name="couverture.png")
    publication.save()
    publication.refresh_from_db()
    new = files_of(publication)
    assert set(new) == {(width, extension) for width in COVER_SIZES if width < 400 for extension in FORMATS}
    with Image.open(storage.path(new[(200, "jpg")])) as image:
        red, green, blue = image.convert("RGB").getpixel((100, 100))
        assert red > 180 and green < 60
    # The 480 px copies of the rendered cover have no successor: they are gone, not left behind.
    gone = [name for key, name in old.items() if key not in new]
    assert len(gone) == 3
    assert not any(storage.exists(name) for name in gone)


def test_a_cover_smaller_than_every_size_is_shown_alone(visitor):
    publication = PublicationFactory(cover=ContentFile(png_bytes(150, 212), name="petite.png"))
    assert publication.cover_sizes == []
    html = visitor.get(publication.get_absolute_url()).content.decode()
    img = re.search(r'<div class="publication-header-cover">\s*<picture>\s*(<img [^>]+>)', html).group(1)
    assert "srcset" not in img
    assert publication.cover.url in img


def test_editing_the_text_keeps_the_copies():
    publication = PublicationFactory(pdf_file=ContentFile(make_pdf(), name="carnet.pdf"))
    before = publication.cover_sizes
    publication = Publication.objects.get(pk=publication.pk)
    publication.summary = "Une présentation revue."
    publication.save()
    publication.refresh_from_db()
    assert publication.cover_sizes == before
    assert all(publication.cover.storage.exists(size["name"]) for size in before)


def test_covers_stored_before_the_sizes_get_them_from_the_command():
    publication = PublicationFactory(pdf_file=ContentFile(make_pdf(), name="carnet.pdf"))
    for size in publication.cover_sizes:
        publication.cover.storage.delete(size["name"])
    Publication.objects.filter(pk=publication.pk).update(cover_sizes=[])
    call_command("rebuild_cover_sizes", stdout=io.StringIO())
    publication.refresh_from_db()
    assert len(publication.cover_sizes) == len(COVER_SIZES) * len(FORMATS)
    assert all(publication.cover.storage.exists(size["name"]) for size in publication.cover_sizes)
