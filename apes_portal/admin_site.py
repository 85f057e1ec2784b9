"""The portal's admin site (apps.ApesAdminConfig.default_site).

Apart from admin.py, which registers models: the site is built before any app's admin module is
imported, and admin.py extends django.contrib.auth's user admin.
"""

from django.contrib import admin

from apes_portal.dashboard import build_dashboard
from apes_portal.forms import AdminLoginForm


class ApesAdminSite(admin.AdminSite):
    site_header = "Apes Hauts-de-France — administration"
    site_title = "Administration de l'Apes"
    index_title = "Gestion du portail"
    login_form = AdminLoginForm

    def index(self, request, extra_context=None):
        """The usual list of models, below the staff dashboard (apes_portal/dashboard.py)."""
        return super().index(request, {**(extra_context or {}), "dashboard": build_dashboard()})
