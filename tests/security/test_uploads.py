"""Uploads: names cannot escape the media directory, and every file field checks the content
(real image within the pixel cap, real PDF), whatever the file's name claims."""

import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from PIL import Image

pytestmark = pytest.mark.django_db

OUR_APPS = ("apes_portal", "territories", "directory", "publications", "proposals")
# File fields that no person fills in: the site writes them itself.
GENERATED = {"publications.PreviewPage.image": "rendered by the site from the uploaded (checked) PDF"}


def file_fields():
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and f"{model._meta.label}.{field.name}" not in GENERATED:
                found.append(field)
    return found


FILE_FIELDS = file_fields()
IMAGE_FIELDS = [f for f in FILE_FIELDS if isinstance(f, models.ImageField)]
OTHER_FILE_FIELDS = [f for f in FILE_FIELDS if not isinstance(f, models.ImageField)]


def field_id(field):
    return f"{field.model._meta.label}.{field.name}"


def accepts(field, upload):
    """What the admin form does with an upload: the form field's clean, then the model validators."""
    try:
        value = field.formfield().clean(upload)
        field.run_validators(value)
    except ValidationError:
        return False
    return True


def png(width, height, mode="1"):
    buffer = io.BytesIO()
    Image.new(mode, (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def test_the_portal_has_upload_fields():
    assert IMAGE_FIELDS, "no ImageField found: the scan is broken"


@pytest.mark.parametrize("field", FILE_FIELDS, ids=field_id)
def test_a_hostile_file_name_stays_inside_the_upload_directory(field, media_root):
    upload = SimpleUploadedFile("../../../etc/cron.d/evil.png", b"content")
    assert upload.name == "evil.png"  # Django keeps the base name only
    name = field.generate_filename(field.model(), upload.name)
    assert ".." not in Path(name).parts
    saved = field.storage.save(name, upload)
    path = Path(field.storage.path(saved)).resolve()
    assert path.is_relative_to(media_root.resolve())


def test_the_storage_refuses_paths_outside_media(media_root):
    for name in ["../evil.txt", "/etc/evil.txt", "a/../../evil.txt"]:
        with pytest.raises(SuspiciousFileOperation):
            default_storage.save(name, io.BytesIO(b"x"))


@pytest.mark.urls("tests.security.urls_failing")
def test_multipart_file_names_are_reduced_to_a_safe_base_name():
    """A hand-made request (browsers never send such names; scripts do)."""
    boundary = "apesboundary"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="a"; filename="../../etc/passwd"\r\n'
        "Content-Type: text/plain\r\n\r\nx\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="b"; filename="..\\\\..\\\\win.ini"\r\n'
        "Content-Type: text/plain\r\n\r\ny\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    response = Client().post("/test/upload-names/", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    names = response.content.decode().split("\n")
    assert names == ["passwd", "win.ini"]


@pytest.mark.parametrize("field", IMAGE_FIELDS, ids=field_id)
def test_image_fields_accept_a_real_small_image(field, settings):
    assert accepts(field, SimpleUploadedFile("logo.png", png(40, 40, "RGB"), content_type="image/png"))


@pytest.mark.parametrize("field", IMAGE_FIELDS, ids=field_id)
def test_image_fields_refuse_images_over_the_pixel_cap(field, settings):
    """A decompression bomb: tiny file, huge canvas (9000 x 9000 = 81 Mpx, under Pillow's own alarm)."""
    settings.IMAGE_MAX_PIXELS = 40_000_000
    bomb = png(9000, 9000)
    assert len(bomb) < 100_000
    assert not accepts(field, SimpleUploadedFile("bomb.png", bomb, content_type="image/png"))


@pytest.mark.parametrize("field", IMAGE_FIELDS, ids=field_id)
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", b"<html><script>alert(1)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),  # a truncated PNG
    ],
)
def test_image_fields_refuse_what_is_not_an_image(field, name, content):
    assert not accepts(field, SimpleUploadedFile(name, content))


@pytest.mark.parametrize("field", OTHER_FILE_FIELDS, ids=field_id)
def test_file_fields_check_the_content_not_the_name(field):
    fake = SimpleUploadedFile("rapport.pdf", b"<html><script>alert(1)</script></html>")
    assert not accepts(field, fake)
