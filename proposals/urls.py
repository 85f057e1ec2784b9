"""URLs of the proposals app, under /municipales-2026/."""

from django.urls import path

from proposals import views

app_name = "proposals"

urlpatterns = [
    path("", views.campaign_page, name="campaign"),
    path("s-engager/", views.commitment_create, name="commitment-create"),
    path("s-engager/envoye/", views.commitment_sent, name="commitment-sent"),
    path("s-engager/confirmer/<str:token>/", views.commitment_confirm, name="commitment-confirm"),
    path("engagements/", views.CommitmentListView.as_view(), name="commitment-list"),
    path("engagements/carte.geojson", views.commitment_geojson, name="commitment-geojson"),
]
