"""The production WSGI application for the multi-worker tests, with two test-only differences.

* Static files are served unhashed (no `collectstatic` before each test run); everything else, the cache
  choice first, is the production configuration (DEBUG off, TESTING unset).
* Each response names the worker process that served it (`X-Worker`), so a test can prove that every
  worker answers alike.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apes_portal.settings")

from django.conf import settings  # noqa: E402

# Before the application is built: its middleware (whitenoise) opens the static storage at start-up, so an
# override made afterwards would leave a manifest storage reading whatever an earlier collectstatic left.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from apes_portal.wsgi import application as django_application  # noqa: E402


def application(environ, start_response):
    def start(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Worker", str(os.getpid()))], exc_info)

    return django_application(environ, start)
