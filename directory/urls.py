"""URLs of the directory app (placeholders until the app's views land)."""

from django.urls import path
from django.views.generic import TemplateView

app_name = "directory"

urlpatterns = [
    path("annuaire/", TemplateView.as_view(template_name="pages/coming_soon.html"), name="organisation-list"),
    path("carte/", TemplateView.as_view(template_name="pages/coming_soon.html"), name="map"),
    path("annuaire/<slug:slug>/", TemplateView.as_view(template_name="pages/coming_soon.html"), name="organisation-detail"),
]
