"""`/healthz`: a fast probe for load balancers and monitoring.

It runs one trivial query with a short statement timeout and answers a small JSON document:
200 when the database answers, 503 otherwise. It never reveals the error itself.
The cache is checked too (one write and one read): when it fails the site still serves every page,
uncached (core.cache.FailSoftRedisCache), so the answer stays 200 with `"status": "degraded"`.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

# The probe must answer well before a load balancer's own timeout (usually 2-5 s).
HEALTH_STATEMENT_TIMEOUT_MS = 1000


def database_is_available():
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # SET LOCAL: only for this transaction, the connection keeps its normal timeout.
                cursor.execute(f"SET LOCAL statement_timeout = {HEALTH_STATEMENT_TIMEOUT_MS}")
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def cache_is_available():
    probe = uuid.uuid4().hex
    try:
        cache.set("healthz", probe, 30)
        return cache.get("healthz") == probe
    except DatabaseError:  # the database cache; Redis failures are absorbed by FailSoftRedisCache
        return False


@never_cache
@require_safe
def healthz(request):
    database_ok = database_is_available()
    cache_ok = cache_is_available()
    body = {
        "status": "unavailable" if not database_ok else ("ok" if cache_ok else "degraded"),
        "checks": {
            "database": "ok" if database_ok else "unavailable",
            "cache": "ok" if cache_ok else "degraded",
        },
    }
    response = JsonResponse(body, status=200 if database_ok else 503)
    if not database_ok:
        response["Retry-After"] = str(settings.DATABASE_UNAVAILABLE_RETRY_AFTER)
    return response
