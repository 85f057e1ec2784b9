"""URLs of the directory app: public paths in French, names in English."""

from django.urls import path

from directory.views import clusters, data, opendata, public, submissions

app_name = "directory"

urlpatterns = [
    path("annuaire/", public.OrganisationListView.as_view(), name="organisation-list"),
    path("annuaire/export.csv", data.organisations_csv, name="organisation-export-csv"),
    path("annuaire/<slug:slug>/", public.OrganisationDetailView.as_view(), name="organisation-detail"),
    path("annuaire/<slug:slug>/courriel/", public.organisation_email, name="organisation-email"),
    path("carte/", public.MapView.as_view(), name="map"),
    path("carte/embed/", public.MapEmbedView.as_view(), name="map-embed"),
    path("api/organisations.geojson", data.organisations_geojson, name="organisation-geojson"),
    path("api/organisations/clusters.json", clusters.organisation_clusters, name="organisation-clusters"),
    # Open data for reusers (docs/open-data.md); the catalogue page /donnees/ is a site page.
    path("donnees/organisations.geojson", opendata.organisations_geojson, name="organisation-open-geojson"),
    path("donnees/organisations.gogocarto.json", opendata.organisations_gogocarto, name="organisation-gogocarto"),
    path("donnees/organisations.<str:extension>", opendata.organisations_any, name="organisation-open-data"),
    path("donnees/schemas/organisations/schema.json", opendata.organisations_schema, name="organisation-schema-latest"),
    path(
        "donnees/schemas/organisations/<str:version>/schema.json",
        opendata.organisations_schema,
        name="organisation-schema",
    ),
    path("api/communes.json", data.commune_suggestions, name="commune-suggestions"),
    # Submissions to the staff (admin helper): membership, corrections, member space.
    path("adherer/", submissions.membership_apply, name="membership-apply"),
    path("adherer/merci/", submissions.membership_thanks, name="membership-thanks"),
    path("annuaire/<slug:slug>/signaler/", submissions.correction_create, name="correction-create"),
    path("espace-membre/", submissions.member_space, name="member-space"),
    path("espace-membre/connexion/", submissions.MemberLoginView.as_view(), name="member-login"),
    path("espace-membre/deconnexion/", submissions.MemberLogoutView.as_view(), name="member-logout"),
]
