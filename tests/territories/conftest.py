"""Fixtures of the territories tests."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """The EPCI layer is cached: every test starts from an empty cache (and pinned query counts hold)."""
    cache.clear()
    yield
    cache.clear()
