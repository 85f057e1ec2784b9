"""WSGI entry point (gunicorn apes_portal.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apes_portal.settings")
application = get_wsgi_application()
