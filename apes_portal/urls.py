"""Root URL configuration: public paths in French, names in English, one namespace per app."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from apes_portal import health, opendata, views
from apes_portal.sitemaps import sitemaps

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("l-apes/", TemplateView.as_view(template_name="pages/about.html"), name="about"),
    path("charte/", views.CharterView.as_view(), name="charter"),
    path("mentions-legales/", TemplateView.as_view(template_name="pages/legal.html"), name="legal"),
    path("accessibilite/", TemplateView.as_view(template_name="pages/accessibility.html"), name="accessibility"),
    path("donnees/", opendata.OpenDataView.as_view(), name="open-data"),
    path("donnees/catalogue.jsonld", opendata.dcat_catalogue, name="open-data-dcat"),
    path("", include("directory.urls")),
    path("", include("apes_portal.territory_urls")),
    path("municipales-2026/", include("proposals.urls")),
    path("carnets/", include("publications.urls")),
    path("compte/", include("apes_portal.account_urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain; charset=utf-8"),
        name="robots",
    ),
    # Load-balancer probe (no trailing slash; exempt from the HTTPS redirect: SECURE_REDIRECT_EXEMPT).
    path("healthz", health.healthz, name="healthz"),
]

# 403/404 use Django's handlers with our French templates. 400 and 500 render without the request
# (a forged Host header, a broken database); 500 answers a lost database with the 503 page.
handler400 = "apes_portal.errors.bad_request"
handler500 = "apes_portal.errors.server_error"

if settings.BENCH_TRIVIAL_VIEW:
    # The benchmark's "stack ceiling" (bench/run.py): the full middleware stack, no template, no
    # query. Real pages' throughput is reported as a ratio of this view's, served by the same server.
    from django.http import HttpResponse

    def bench_trivial(request):
        return HttpResponse("ok", content_type="text/plain; charset=utf-8")

    urlpatterns += [path("_bench/trivial/", bench_trivial, name="bench-trivial")]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
