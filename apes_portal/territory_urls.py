"""URLs of the territory pages and map data: public paths in French, names in English (namespace "territories")."""

from django.urls import path

from apes_portal import territory_views as views
from territories.views import dynamic_geojson, epci_geojson

app_name = "territories"

urlpatterns = [
    path("territoires/", views.TerritoryIndexView.as_view(), name="index"),
    path("territoires/<slug:slug>/", views.EpciDetailView.as_view(), name="epci-detail"),
    path("dynamiques/", views.DynamicListView.as_view(), name="dynamic-list"),
    path("dynamiques/<slug:slug>/", views.DynamicDetailView.as_view(), name="dynamic-detail"),
    path("thematiques/<slug:slug>/", views.ThemeDetailView.as_view(), name="theme-detail"),
    path("initiatives/", views.InitiativeListView.as_view(), name="initiative-list"),
    path("initiatives/<slug:slug>/", views.InitiativeDetailView.as_view(), name="initiative-detail"),
    path("api/epci.geojson", epci_geojson, name="epci-geojson"),
    path("api/dynamiques.geojson", dynamic_geojson, name="dynamic-geojson"),
]
