"""Fixtures of the security suite: a small site with one object of every kind."""

import factory
import pytest
from django.db import transaction

from proposals.models import Campaign
from tests import factories

# Text that must come out escaped wherever a visitor can see it.
XSS = '<script>alert("apes")</script><img src=x onerror=alert(1)>'


def all_factories():
    """Every DjangoModelFactory declared in tests/factories.py (other helpers append theirs)."""
    found = []
    for value in vars(factories).values():
        if (
            isinstance(value, type)
            and issubclass(value, factory.django.DjangoModelFactory)
            and value is not factory.django.DjangoModelFactory
            and not value._meta.abstract
        ):
            found.append(value)
    return found


@pytest.fixture
def populated_site(db):
    """One object from every factory, so every detail page has something to show."""
    created = []
    for factory_class in all_factories():
        try:
            with transaction.atomic():  # a failed factory must not abort the test's transaction
                created.append(factory_class())
        except Exception as error:  # a factory that needs arguments is covered by its app's tests
            print(f"populated_site: {factory_class.__name__} skipped ({error})")
    # Each factory makes its own campaign: a measure of the one the site shows, for its page.
    created.append(factories.ProposalFactory(axis__campaign=Campaign.objects.current()))
    return created
