import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """Map data is cached by data version; a rolled-back test must not leave payloads for the next one."""
    cache.clear()
    yield
    cache.clear()
