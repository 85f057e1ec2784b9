"""Error pages that never need the database: the French 500 page and the 503 "service unavailable" page.

Both render without a request (so no context processor runs, nothing touches the database) and
show no detail of the failure: the traceback goes to the logs, never to the visitor.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger("apes_portal.errors")

# Raised (wrapped by Django) when the server is unreachable, restarting, refusing connections,
# or when a connection died; also psycopg's QueryCanceled (statement timeout) and SQLite's
# "database is locked". All mean "try again shortly", not "the code is broken".
DATABASE_ERRORS = (OperationalError, InterfaceError)

# Last resort if even the template cannot be rendered (missing file, broken storage...).
FALLBACK_HTML = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title></head>'
    "<body><h1>{title}</h1><p>{text}</p></body></html>"
)


def is_database_error(exception):
    """True when the exception, or one it was raised from, says the database is unavailable."""
    seen = 0
    while exception is not None and seen < 5:
        if isinstance(exception, DATABASE_ERRORS):
            return True
        exception = exception.__cause__ or exception.__context__
        seen += 1
    return False


def _stylesheet_url():
    # With hashed static files, a missing manifest entry raises: an error page must not.
    try:
        return static("css/site.css")
    except Exception:
        return None


def _render_standalone(template_name, title, text):
    try:
        return loader.render_to_string(template_name, {"stylesheet_url": _stylesheet_url()})
    except Exception:
        logger.exception("Could not render %s", template_name)
        return FALLBACK_HTML.format(title=title, text=text)


def database_unavailable(request=None):
    """The 503 answer given instead of waiting on (or crashing over) an absent database."""
    html = _render_standalone(
        "503.html",
        "Service momentanément indisponible",
        "Le site est momentanément indisponible. Merci de réessayer dans quelques instants.",
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(settings.DATABASE_UNAVAILABLE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """handler500: the French 500 page, or the 503 page when the cause is the database.

    Django calls it inside its `except` block, so `sys.exc_info()` still holds the exception
    (also the ones raised by middleware, which `process_exception` never sees).
    """
    if is_database_error(sys.exc_info()[1]):
        return database_unavailable(request)
    html = _render_standalone(
        template_name,
        "Erreur du serveur",
        "Une erreur inattendue s'est produite. L'équipe en est informée ; merci de réessayer plus tard.",
    )
    return HttpResponseServerError(html)


def bad_request_page(template_name="400.html"):
    """The French 400 page, rendered without the request."""
    html = _render_standalone(
        template_name,
        "Requête incorrecte",
        "Cette adresse ou les informations envoyées ne sont pas valables.",
    )
    return HttpResponseBadRequest(html)


@requires_csrf_token
def bad_request(request, exception, template_name="400.html"):
    """handler400: standalone, because a forged Host header (DisallowedHost) would make any
    template that builds an absolute URL from the request raise again, turning 400 into 500."""
    return bad_request_page(template_name)
