"""A Redis cache that degrades instead of failing: a cache may make the site faster, never break it.

Django's RedisCache raises when Redis is away, which would turn every cached page, every rate-limited form
and every data endpoint into a 500. This subclass answers as an empty cache instead (reads miss, writes are
dropped, a counter cannot be read) and logs the outage once per minute; `/healthz` probes the cache and says
"degraded". Nothing is lost: the data and its versions live in the database.
Hand-written because Django has no such option and django-redis (which has one) would be a second client.
"""

import logging
import time
from functools import wraps

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

_last_logged = {"at": None}


def _failing(error):
    now = time.monotonic()
    if _last_logged["at"] is None or now - _last_logged["at"] > 60:
        _last_logged["at"] = now
        logger.warning("Cache unavailable, serving without it: %s", error)


def _soft(fallback):
    def decorator(method):
        @wraps(method)
        def wrapper(*args, **kwargs):
            try:
                return method(*args, **kwargs)
            except RedisError as error:
                _failing(error)
                return fallback(*args, **kwargs)

        return wrapper

    return decorator


def _unreadable_counter(*args, **kwargs):
    # django-ratelimit reads a ValueError as "no count": with RATELIMIT_FAIL_OPEN the form goes through.
    raise ValueError("cache unavailable")


class FailSoftRedisCache(RedisCache):
    @_soft(lambda self, key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_soft(lambda *args, **kwargs: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_soft(lambda *args, **kwargs: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_soft(lambda *args, **kwargs: False)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_soft(lambda *args, **kwargs: None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_soft(lambda *args, **kwargs: list(args[1]))
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_soft(lambda *args, **kwargs: False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_soft(lambda *args, **kwargs: False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_soft(lambda *args, **kwargs: None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_soft(_unreadable_counter)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @_soft(lambda *args, **kwargs: False)
    def clear(self):
        return super().clear()
