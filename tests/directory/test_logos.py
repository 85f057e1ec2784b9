"""Organisation logos: real images only, shrunk on upload so pages stay light."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from directory.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png_upload(width, height, name="logo.png"):
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (47, 111, 94, 255)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_a_large_logo_is_stored_at_most_512_pixels_wide():
    organisation = OrganisationFactory(logo=png_upload(2000, 1000))
    organisation.refresh_from_db()
    with Image.open(organisation.logo.path) as stored:
        assert stored.size == (512, 256)


def test_a_small_logo_is_kept_as_uploaded():
    organisation = OrganisationFactory(logo=png_upload(120, 80))
    with Image.open(organisation.logo.path) as stored:
        assert stored.size == (120, 80)


def test_saving_again_does_not_touch_the_stored_logo():
    organisation = OrganisationFactory(logo=png_upload(900, 900))
    name = organisation.logo.name
    organisation.name = "Nouveau nom"
    organisation.save()
    organisation.refresh_from_db()
    assert organisation.logo.name == name


def test_a_text_file_named_png_is_refused_with_a_french_message():
    field = Organisation._meta.get_field("logo")
    fake = SimpleUploadedFile("logo.png", b"ceci n'est pas une image", content_type="image/png")
    with pytest.raises(ValidationError) as error:
        field.run_validators(field.formfield().clean(fake))
    assert "image" in " ".join(error.value.messages)
