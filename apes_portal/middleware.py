"""Site-wide middleware for security and resilience.

- `PermissionsPolicyMiddleware` sends the Permissions-Policy header (Django has no setting for it).
- `DatabaseUnavailableMiddleware` turns a lost database into a fast French 503 page with
  Retry-After, instead of a 500 with an error report per request. Errors raised outside views
  (middleware, context processors) reach `apes_portal.errors.server_error`, which does the same.
- `MalformedInputMiddleware` answers 400 to input no page can use (NUL bytes) before any view
  sees it, and to numbers too large for the database driver.
"""

import logging

from django.conf import settings

from apes_portal.errors import bad_request_page, database_unavailable, is_database_error

logger = logging.getLogger("apes_portal.errors")


def permissions_policy_header(policy):
    """Serialise {"geolocation": ["self"], "camera": []} as `camera=(), geolocation=(self)`."""
    parts = []
    for feature, allowlist in sorted(policy.items()):
        items = " ".join(item if item in ("self", "*") else f'"{item}"' for item in allowlist)
        parts.append(f"{feature}=({items})")
    return ", ".join(parts)


class PermissionsPolicyMiddleware:
    """Add the Permissions-Policy header (from settings.PERMISSIONS_POLICY) to every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class DatabaseUnavailableMiddleware:
    """Answer 503 (French page, Retry-After) when a view fails because the database is away.

    The connection that failed is discarded by Django at the end of the request
    (`close_old_connections`), and `CONN_HEALTH_CHECKS` replaces stale ones, so the site
    recovers by itself as soon as the database accepts connections again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_error(exception):
            return None
        # One line, no traceback: during an outage every request ends here.
        reason = (str(exception).strip().splitlines() or [type(exception).__name__])[0]
        logger.warning("Database unavailable for %s %s: %s", request.method, request.path, reason)
        return database_unavailable(request)


class MalformedInputMiddleware:
    """400 for a NUL byte anywhere in the path, the query string or the form data; 400 for OverflowError.

    NUL bytes have no use in a URL or a form field, and PostgreSQL refuses them in text
    (DataError, a 500): Django's CharField rejects them, but ModelChoiceField (every
    `?commune=` filter), raw `request.GET` reads and slugs in lookups do not. Refusing them here
    covers every view, present and future.

    OverflowError: SQLite's driver raises it for integers beyond 64 bits in `__in` lookups
    (ModelMultipleChoiceField with `?id=99999999999999999999`); it is always the input's fault.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.has_nul_byte(request):
            logger.info("Refused a request with a NUL byte: %s %s", request.method, request.path)
            return bad_request_page()
        return self.get_response(request)

    @staticmethod
    def has_nul_byte(request):
        if "\x00" in request.path:
            return True
        data = [request.GET]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            data.append(request.POST)  # parse errors propagate: Django answers them with a 400
        for query_dict in data:
            for key, values in query_dict.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return True
        return False

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):
            logger.warning("Number out of range in %s %s", request.method, request.path, exc_info=exception)
            return bad_request_page()
        return None
