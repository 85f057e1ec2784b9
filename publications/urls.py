"""URLs of the publications app, under /carnets/."""

from django.urls import path

from publications import views
from publications.feeds import LatestPublicationsFeed

app_name = "publications"

urlpatterns = [
    path("", views.PublicationListView.as_view(), name="publication-list"),
    path("feed/", LatestPublicationsFeed(), name="publication-feed"),
    path("<slug:slug>/", views.PublicationDetailView.as_view(), name="publication-detail"),
    path("<slug:slug>/telecharger/", views.publication_download, name="publication-download"),
]
