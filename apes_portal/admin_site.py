"""The portal's admin site (apps.ApesAdminConfig.default_site).

Apart from admin.py, which registers models: the site is built before any app's admin module is
imported, and admin.py extends django.contrib.auth's user admin.

The site asks for a second factor (apes_portal/accounts.py): a staff member whose role needs one and
whose session is not verified yet has no permission here, and the login page sends them on to the
second-factor page (or to enrolment, on the first sign-in).
"""

from django.contrib import admin
from django.urls import path

from apes_portal.accounts import SecondFactorEnrolView, SecondFactorView, awaits_second_factor, redirect_with_next
from apes_portal.dashboard import build_dashboard
from apes_portal.forms import AdminLoginForm


class ApesAdminSite(admin.AdminSite):
    site_header = "Apes Hauts-de-France — administration"
    site_title = "Administration de l'Apes"
    index_title = "Gestion du portail"
    login_form = AdminLoginForm

    def has_permission(self, request):
        return super().has_permission(request) and not awaits_second_factor(request)

    def login(self, request, extra_context=None):
        response = super().login(request, extra_context)
        if awaits_second_factor(request):  # the password was right (now or earlier): the code comes next
            return redirect_with_next("admin:second-factor", request)
        return response

    def get_urls(self):
        second_factor = [
            path("double-authentification/", SecondFactorView.as_view(site=self), name="second-factor"),
            path(
                "double-authentification/activer/",
                SecondFactorEnrolView.as_view(site=self),
                name="second-factor-enrol",
            ),
        ]
        return second_factor + super().get_urls()

    def index(self, request, extra_context=None):
        """The usual list of models, below the staff dashboard (apes_portal/dashboard.py)."""
        return super().index(request, {**(extra_context or {}), "dashboard": build_dashboard()})
