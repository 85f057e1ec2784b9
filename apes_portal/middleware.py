"""Site-wide middleware for security and resilience.

- `PermissionsPolicyMiddleware` sends the Permissions-Policy header (Django has no setting for it).
- `DatabaseUnavailableMiddleware` turns a lost database into a fast French 503 page with
  Retry-After, instead of a 500 with an error report per request. Errors raised outside views
  (middleware, context processors) reach `apes_portal.errors.server_error`, which does the same.
"""

import logging

from django.conf import settings

from apes_portal.errors import database_unavailable, is_database_error

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
        logger.warning("Database unavailable for %s %s: %s", request.method, request.path, exception)
        return database_unavailable(request)
