"""Root URL configuration: public paths in French, names in English, one namespace per app."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from apes_portal import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("l-apes/", TemplateView.as_view(template_name="pages/about.html"), name="about"),
    path("charte/", views.CharterView.as_view(), name="charter"),
    path("mentions-legales/", TemplateView.as_view(template_name="pages/legal.html"), name="legal"),
    path("accessibilite/", TemplateView.as_view(template_name="pages/accessibility.html"), name="accessibility"),
    path("", include("directory.urls")),
    path("", include("territories.urls")),
    path("municipales-2026/", include("proposals.urls")),
    path("carnets/", include("publications.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
