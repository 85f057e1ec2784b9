"""Text typed by people (staff in the admin, visitors in forms) is escaped on every public page."""

import pytest
from django.db import models, transaction

from tests.security.conftest import XSS
from tests.security.urlwalk import concrete_public_urls

pytestmark = pytest.mark.django_db

# What must never reach a page unescaped (the browser would run it).
DANGEROUS = ["<script>alert(", "<img src=x onerror"]


def poison(instance):
    """Put the payload into every free-text field of the object (where it fits) and save it."""
    changed = []
    for field in instance._meta.concrete_fields:
        if (
            isinstance(field, (models.CharField, models.TextField))
            and not isinstance(field, (models.SlugField, models.EmailField, models.URLField))
            and not field.choices
            and not field.unique
            and field.editable
            and (field.max_length is None or field.max_length >= len(XSS) + 10)
        ):
            setattr(instance, field.name, f"Titre {XSS}")
            changed.append(field.name)
    if changed:
        try:
            with transaction.atomic():
                instance.save()
        except Exception as error:  # a model that refuses the text is the app's own test to cover
            print(f"poison: {type(instance).__name__} not saved ({error})")
    return changed


def test_user_text_is_escaped_on_every_public_page(visitor, populated_site):
    poisoned = {type(obj).__name__: poison(obj) for obj in populated_site}
    assert any(poisoned.values()), "nothing was poisoned: the test would prove nothing"
    seen_escaped = False
    for url in concrete_public_urls(visitor):
        response = visitor.get(url)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for fragment in DANGEROUS:
            assert fragment not in html, f"{url} shows unescaped user text"
        seen_escaped = seen_escaped or "&lt;script&gt;alert(" in html
    assert seen_escaped, "no page showed the poisoned text at all"
