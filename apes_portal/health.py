"""`/healthz`: a fast probe for load balancers and monitoring.

It runs one trivial query with a short statement timeout and answers a small JSON document:
200 when the database answers, 503 otherwise. It never reveals the error itself.
"""

from django.conf import settings
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


@never_cache
@require_safe
def healthz(request):
    database_ok = database_is_available()
    body = {
        "status": "ok" if database_ok else "unavailable",
        "checks": {"database": "ok" if database_ok else "unavailable"},
    }
    response = JsonResponse(body, status=200 if database_ok else 503)
    if not database_ok:
        response["Retry-After"] = str(settings.DATABASE_UNAVAILABLE_RETRY_AFTER)
    return response
