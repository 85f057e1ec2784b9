"""Uploads are checked: only real, unencrypted PDFs under the size limit; only real images within limits.

The checks are the model fields' validators, so the admin form shows their message next to the field.
"""

import html

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.validators import validate_image_file, validate_pdf_file
from publications.models import Publication
from tests.factories import PublicationFactory
from tests.publications.conftest import encrypt_pdf, large_pdf, make_pdf, noise_png, png_bytes

pytestmark = pytest.mark.django_db


def upload(name, data, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def message_of(error):
    return " ".join(error.value.messages)


def test_a_real_pdf_is_accepted():
    validate_pdf_file(upload("carnet.pdf", make_pdf()))


def test_a_text_file_renamed_pdf_is_refused():
    fake = upload("carnet.pdf", b"Ceci est un simple texte, pas un PDF.\n" * 50)
    with pytest.raises(ValidationError) as error:
        validate_pdf_file(fake)
    assert error.value.error_list[0].code == "not_a_pdf"
    assert "n'est pas un PDF" in message_of(error)


def test_a_truncated_pdf_is_refused_as_unreadable():
    broken = upload("carnet.pdf", make_pdf()[:400])
    with pytest.raises(ValidationError) as error:
        validate_pdf_file(broken)
    assert "illisible ou endommagé" in message_of(error)


def test_an_encrypted_pdf_is_refused():
    locked = upload("carnet.pdf", encrypt_pdf(make_pdf()))
    with pytest.raises(ValidationError) as error:
        validate_pdf_file(locked)
    assert error.value.error_list[0].code == "encrypted_pdf"
    assert "protégé par un mot de passe" in message_of(error)


def test_an_oversize_pdf_is_refused_with_the_limit(settings):
    settings.PUBLICATION_MAX_UPLOAD_MB = 1
    heavy = large_pdf(1024 * 1024 + 1)
    assert len(heavy) > 1024 * 1024
    validate_pdf_file_input = upload("rapport.pdf", heavy)
    with pytest.raises(ValidationError) as error:
        validate_pdf_file(validate_pdf_file_input)
    assert error.value.error_list[0].code == "file_too_large"
    assert "la limite est de 1 Mo" in message_of(error)
    settings.PUBLICATION_MAX_UPLOAD_MB = 50
    validate_pdf_file(upload("rapport.pdf", heavy))  # the same file passes under the default limit


def test_a_stored_pdf_is_not_read_again_when_the_record_is_edited():
    publication = PublicationFactory()
    publication.pdf_file.storage.save(publication.pdf_file.name, upload("x", b"overwritten"))  # not a PDF now
    publication = Publication.objects.get(pk=publication.pk)
    publication.title = "Nouveau titre"
    publication.full_clean()  # no error: only new uploads are parsed


@pytest.mark.parametrize(
    ("name", "data", "code", "message"),
    [
        ("carnet.pdf", b"hello " * 100, "not_a_pdf", "n'est pas un PDF"),
        ("carnet.pdf", encrypt_pdf(make_pdf()), "encrypted_pdf", "protégé par un mot de passe"),
        ("carnet.txt", make_pdf(), "invalid_extension", "Déposez un fichier PDF"),
    ],
)
def test_the_admin_form_shows_why_an_upload_is_refused(client, administrator, name, data, code, message):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:publications_publication_add"),
        {
            "title": "Un document refusé",
            "slug": "un-document-refuse",
            "collection": Publication.Collection.CARNETS,
            "kind": Publication.Kind.CARNET,
            "publisher": "Apes Hauts-de-France",
            "language": "fr",
            "published_on_precision": "year",
            "summary": "Présentation.",
            "access": Publication.Access.PUBLIC,
            "is_published": "on",
            "pdf_file": upload(name, data),
            "monthly_downloads-TOTAL_FORMS": "0",
            "monthly_downloads-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert not Publication.objects.exists()


def test_the_admin_accepts_a_real_pdf_and_reads_it(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:publications_publication_add"),
        {
            "title": "Un document accepté",
            "slug": "un-document-accepte",
            "collection": Publication.Collection.CARNETS,
            "kind": Publication.Kind.CARNET,
            "publisher": "Apes Hauts-de-France",
            "language": "fr",
            "published_on_precision": "year",
            "summary": "Présentation.",
            "access": Publication.Access.PUBLIC,
            "is_published": "on",
            "pdf_file": upload("document.pdf", make_pdf(pages=5)),
            "monthly_downloads-TOTAL_FORMS": "0",
            "monthly_downloads-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    publication = Publication.objects.get(slug="un-document-accepte")
    assert publication.page_count == 5
    assert publication.cover_is_generated


def test_a_real_image_is_accepted():
    validate_image_file(upload("logo.png", png_bytes(), "image/png"))


def test_a_text_file_renamed_png_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_image_file(upload("logo.png", b"pas une image", "image/png"))
    assert "n'est pas une image lisible" in message_of(error)


def test_an_image_over_the_pixel_limit_is_refused(settings):
    settings.IMAGE_MAX_PIXELS = 1000
    with pytest.raises(ValidationError) as error:
        validate_image_file(upload("logo.png", png_bytes(40, 30), "image/png"))
    assert "40 × 30 pixels" in message_of(error)
    validate_image_file(upload("logo.png", png_bytes(20, 20), "image/png"))


def test_an_image_over_the_size_limit_is_refused(settings):
    settings.IMAGE_MAX_UPLOAD_MB = 1
    heavy = noise_png(700, 700)
    assert len(heavy) > 1024 * 1024
    with pytest.raises(ValidationError) as error:
        validate_image_file(upload("photo.png", heavy, "image/png"))
    assert "la limite est de 1 Mo" in message_of(error)


def test_an_image_format_outside_the_list_is_refused():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="BMP")
    with pytest.raises(ValidationError) as error:
        validate_image_file(upload("logo.bmp", buffer.getvalue(), "image/bmp"))
    assert "Le format BMP n'est pas accepté" in message_of(error)
