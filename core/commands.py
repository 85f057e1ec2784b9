"""Helpers shared by management commands."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import URLValidator


def add_base_url_argument(parser):
    """The required --base-url option of a command that writes links outside a request (mails, exports)."""
    parser.add_argument(
        "--base-url", required=True, help="The public site's address for the links, e.g. https://www.apes-hdf.org"
    )


def absolute_url_builder(base_url):
    """`absolute(path)`, the full URL of a path on the site at `base_url` (http or https, checked here).

    Raises CommandError, in French, for anything else: the links of a mail or an export must work.
    """
    base_url = base_url.rstrip("/")
    try:
        URLValidator(schemes=["http", "https"])(base_url)
    except ValidationError:
        raise CommandError(f"Adresse du site invalide : {base_url!r}") from None
    return lambda path: f"{base_url}{path}"
