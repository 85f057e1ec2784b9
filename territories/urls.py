"""URLs of the territories app: public paths in French, names in English."""

from django.urls import path

from territories import views

app_name = "territories"

urlpatterns = [
    path("territoires/", views.TerritoryIndexView.as_view(), name="index"),
    path("territoires/<slug:slug>/", views.EpciDetailView.as_view(), name="epci-detail"),
    path("dynamiques/", views.DynamicListView.as_view(), name="dynamic-list"),
    path("dynamiques/<slug:slug>/", views.DynamicDetailView.as_view(), name="dynamic-detail"),
    path("thematiques/<slug:slug>/", views.ThemeDetailView.as_view(), name="theme-detail"),
    path("initiatives/", views.InitiativeListView.as_view(), name="initiative-list"),
    path("initiatives/<slug:slug>/", views.InitiativeDetailView.as_view(), name="initiative-detail"),
    path("api/epci.geojson", views.epci_geojson, name="epci-geojson"),
    path("api/dynamiques.geojson", views.dynamic_geojson, name="dynamic-geojson"),
]
