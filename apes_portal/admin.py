"""The admin site of the portal and the admin of site-wide content."""

from django.contrib import admin

from apes_portal.forms import AdminLoginForm
from apes_portal.models import KeyFigure


class ApesAdminSite(admin.AdminSite):
    site_header = "Apes Hauts-de-France — administration"
    site_title = "Administration de l'Apes"
    index_title = "Gestion du portail"
    login_form = AdminLoginForm


@admin.register(KeyFigure)
class KeyFigureAdmin(admin.ModelAdmin):
    list_display = ["label", "value", "as_of", "source", "order"]
    list_editable = ["value", "as_of", "order"]
