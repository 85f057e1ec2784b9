"""Shared fixtures: the personas and common objects every test folder uses.

Personas: `visitor` (anonymous), `member` (an account staff attached to a member organisation),
`editor` (staff, content only), `administrator` (superuser); `outsider` is a signed-in account attached
to no organisation. `administrator_client` and `editor_client` are the test client already signed in.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache, caches
from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY

from apes_portal.accounts import second_factor_required
from core import notify
from core.data import forget_data_versions
from tests.factories import CommuneFactory, OrganisationFactory, OrganisationMembershipFactory, UserFactory
from tests.second_factor import authenticator


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached pages and map data, rate-limit counters: a rolled-back test must leave none for the next."""
    cache.clear()
    # Each test starts from the migration's version rows: local copies keyed on them must go too.
    caches["local"].clear()
    forget_data_versions()  # the rows of a rolled-back test are gone: read them again
    yield
    cache.clear()
    caches["local"].clear()


@pytest.fixture(autouse=True)
def force_login_includes_the_second_factor(monkeypatch):
    """`client.force_login(user)` stands for a complete sign-in: for staff whose role needs a second factor
    (administrators), the session is marked verified with a confirmed device, as django_otp.login does.
    Tests of the second factor itself sign in through the forms (tests/site/test_second_factor.py)."""
    original = ClientMixin.force_login

    def force_login(client, user, backend=None):
        original(client, user, backend)
        if second_factor_required(user):
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
            session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


@pytest.fixture
def visitor(client):
    """An anonymous person browsing the public site."""
    return client


@pytest.fixture
def administrator(db):
    """A superuser: manages content, accounts and groups."""
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
def member_organisation(db, commune):
    """The organisation the `member` persona belongs to: a member of the network."""
    return OrganisationFactory(commune=commune, is_member=True)


@pytest.fixture
def member(member_organisation):
    """A person from a member organisation: staff attached their account to it (the member space)."""
    user = UserFactory(username="charlie")
    OrganisationMembershipFactory(user=user, organisation=member_organisation)
    return user


@pytest.fixture
def outsider(db):
    """A signed-in person whose account is attached to no organisation."""
    return UserFactory(username="oscar")


@pytest.fixture
def administrator_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


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
