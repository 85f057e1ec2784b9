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
    path("engagements/suivi.atom", views.UpdateFeed(), name="update-feed"),
    path("engagements/<int:pk>/", views.CommitmentDetailView.as_view(), name="commitment-detail"),
    path("engagements/proposer-un-suivi/<str:token>/", views.update_propose, name="update-propose"),
    path("alertes/", views.alert_subscribe, name="alert-subscribe"),
    path("alertes/envoye/", views.alert_sent, name="alert-sent"),
    path("alertes/confirmer/<str:token>/", views.alert_confirm, name="alert-confirm"),
    path("alertes/desabonner/<str:token>/", views.alert_unsubscribe, name="alert-unsubscribe"),
    path("mesures/<slug:slug>/", views.measure_detail, name="measure-detail"),
]
