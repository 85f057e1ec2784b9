"""URLs of the proposals app (placeholders until the app's views land)."""

from django.urls import path
from django.views.generic import TemplateView

app_name = "proposals"

urlpatterns = [
    path("", TemplateView.as_view(template_name="pages/coming_soon.html"), name="campaign"),
]
