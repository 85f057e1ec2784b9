"""Shared fixtures: personas (visitor, member, editor, administrator) and common objects."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from core import notify
from tests.factories import CommuneFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached pages and map data, rate-limit counters: a rolled-back test must leave none for the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def visitor(client):
    """An anonymous person browsing the public site."""
    return client


@pytest.fixture
def administrator(db):
    return UserFactory(username="alice", is_staff=True, is_superuser=True)


@pytest.fixture
def editor(db):
    """A staff member in the "Éditeur·rice" group (content only, no users or groups)."""
    user = UserFactory(username="bob", is_staff=True)
    group = Group.objects.filter(name="Éditeur·rice").first()
    if group is not None:
        user.groups.add(group)
    return user


@pytest.fixture
def member(db):
    return UserFactory(username="charlie")


@pytest.fixture
def commune(db):
    return CommuneFactory()


@pytest.fixture
def organisation(db, commune):
    return OrganisationFactory(commune=commune)


@pytest.fixture(autouse=True)
def mail_sent_when_the_request_ends(monkeypatch):
    """A test's transaction is never committed: let core.notify send at once instead of after the commit."""
    monkeypatch.setattr(notify, "on_commit", lambda send: send())
