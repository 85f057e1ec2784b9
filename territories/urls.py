"""URLs of the territories app (placeholders until the app's views land)."""

from django.urls import path
from django.views.generic import TemplateView

app_name = "territories"

urlpatterns = [
    path("territoires/", TemplateView.as_view(template_name="pages/coming_soon.html"), name="index"),
    path("territoires/<slug:slug>/", TemplateView.as_view(template_name="pages/coming_soon.html"), name="epci-detail"),
    path("thematiques/<slug:slug>/", TemplateView.as_view(template_name="pages/coming_soon.html"), name="theme-detail"),
]
