"""Test URLconf: the real site plus views that fail on purpose (used with @pytest.mark.urls)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.http import HttpResponse
from django.urls import path

from apes_portal.urls import handler400, handler500
from apes_portal.urls import urlpatterns as site_urlpatterns

SECRET_DETAIL = "detail-interne-8f2a: mot de passe=hunter2"


def crash(request):
    raise RuntimeError(SECRET_DETAIL)


def crash_database(request):
    raise OperationalError(f"connection to server failed: {SECRET_DETAIL}")


def forbidden(request):
    raise PermissionDenied(SECRET_DETAIL)


def suspicious(request):
    raise SuspiciousOperation(SECRET_DETAIL)


def huge_number(request):
    """What SQLite's driver does with `pk__in=[10**20]`."""
    raise OverflowError("Python int too large to convert to SQLite INTEGER")


def count_users(request):
    """A page that needs the database."""
    return HttpResponse(f"{get_user_model().objects.count()} comptes")


urlpatterns = [
    path("test/crash/", crash),
    path("test/crash-database/", crash_database),
    path("test/forbidden/", forbidden),
    path("test/suspicious/", suspicious),
    path("test/count-users/", count_users),
    path("test/huge-number/", huge_number),
    *site_urlpatterns,
]

__all__ = ["handler400", "handler500", "urlpatterns"]


def upload_names(request):
    """Echo the names Django gives to uploaded files (after its own sanitising)."""
    return HttpResponse("\n".join(f.name for f in request.FILES.values()), content_type="text/plain")


urlpatterns.insert(0, path("test/upload-names/", upload_names))
