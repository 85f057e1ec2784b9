"""Upload checks for PDF documents and images, with messages staff can act on.

`validate_pdf_file` and `validate_image_file` are plain Django validators: put them in a model or
form field's ``validators``. `validate_image_file` is meant to be shared (publication covers here,
organisation logos in the directory): it reads its limits from ``settings.IMAGE_MAX_UPLOAD_MB`` and
``settings.IMAGE_MAX_PIXELS`` at call time.

Files already stored (an unchanged file on an edited record) are not read again: only new uploads
are checked, so editing a title never re-parses a 50 MB PDF.
"""

import logging

import pypdf
from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
# The PDF specification lets a header follow some junk; readers accept it within the first kilobyte.
PDF_HEADER_WINDOW = 1024
IMAGE_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}


def _is_new_upload(value):
    # A FieldFile loaded from the database is "committed": it was checked when it was uploaded.
    return not getattr(value, "_committed", False)


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _check_size(value, limit_mb, what):
    limit = limit_mb * 1024 * 1024
    if value.size > limit:
        raise ValidationError(
            "%(what)s pèse %(size)s Mo ; la limite est de %(limit)s Mo. Réduisez-le avant de le déposer.",
            code="file_too_large",
            params={"what": what, "size": _megabytes(value.size), "limit": limit_mb},
        )


def validate_pdf_file(value):
    """Refuse anything that is not a readable, unencrypted PDF under PUBLICATION_MAX_UPLOAD_MB."""
    if not value or not _is_new_upload(value):
        return
    _check_size(value, settings.PUBLICATION_MAX_UPLOAD_MB, "Ce fichier")
    value.seek(0)
    head = value.read(PDF_HEADER_WINDOW)
    value.seek(0)
    if PDF_MAGIC not in head:
        raise ValidationError(
            "Ce fichier n'est pas un PDF (son contenu ne commence pas comme un PDF), "
            "même si son nom se termine par .pdf. Exportez le document au format PDF puis déposez-le.",
            code="not_a_pdf",
        )
    try:
        reader = pypdf.PdfReader(value, strict=False)
        encrypted = reader.is_encrypted
        page_count = None if encrypted else len(reader.pages)
    except Exception as error:  # pypdf raises many exception types on malformed input; all mean "unreadable".
        logger.info("Refused an unreadable PDF upload: %r", error)
        raise ValidationError(
            "Ce PDF est illisible ou endommagé. Exportez-le à nouveau depuis le logiciel d'origine.",
            code="unreadable_pdf",
        ) from None
    finally:
        value.seek(0)
    if encrypted:
        raise ValidationError(
            "Ce PDF est chiffré ou protégé par un mot de passe : le site ne pourrait ni en afficher "
            "la couverture ni le proposer à tous. Déposez une version sans protection.",
            code="encrypted_pdf",
        )
    if not page_count:
        raise ValidationError("Ce PDF ne contient aucune page.", code="empty_pdf")


def validate_image_file(value):
    """Refuse anything that is not a real JPEG, PNG, WebP or GIF image within the size and pixel limits."""
    if not value or not _is_new_upload(value):
        return
    _check_size(value, settings.IMAGE_MAX_UPLOAD_MB, "Cette image")
    max_pixels = settings.IMAGE_MAX_PIXELS
    value.seek(0)
    try:
        # `open` reads the header only: dimensions are checked before any pixel is decoded.
        with Image.open(value) as image:
            width, height = image.size
            image_format = image.format
            if width * height > max_pixels:
                raise ValidationError(
                    "Cette image mesure %(width)s × %(height)s pixels, soit plus de %(limit)s millions de "
                    "pixels. Réduisez ses dimensions avant de la déposer.",
                    code="image_too_large",
                    params={"width": width, "height": height, "limit": f"{max_pixels / 1_000_000:g}"},
                )
            image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as error:
        # Pillow signals truncated or forged files with OSError, SyntaxError or ValueError.
        logger.info("Refused an unreadable image upload: %r", error)
        raise ValidationError(
            "Ce fichier n'est pas une image lisible. Déposez une image JPEG, PNG, WebP ou GIF.",
            code="not_an_image",
        ) from None
    finally:
        value.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(
            "Le format %(format)s n'est pas accepté. Déposez une image JPEG, PNG, WebP ou GIF.",
            code="image_format",
            params={"format": image_format or "inconnu"},
        )
