"""URLs of the publications app (placeholders until the app's views land)."""

from django.urls import path
from django.views.generic import TemplateView

app_name = "publications"

urlpatterns = [
    path("", TemplateView.as_view(template_name="pages/coming_soon.html"), name="publication-list"),
]
