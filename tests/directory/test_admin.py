"""The directory admin: its change pages render, and the organisation form has what staff need to place a record."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import Organisation
from tests.factories import (
    CorrectionRequestFactory,
    MembershipApplicationFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    ProposedChangeFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize(
    "factory",
    [
        OrganisationFactory,
        SectorFactory,
        MembershipApplicationFactory,
        CorrectionRequestFactory,
        OrganisationMembershipFactory,
        ProposedChangeFactory,
    ],
)
def test_directory_change_pages_render(administrator_client, factory):
    obj = factory()
    response = administrator_client.get(admin_url(type(obj), "change", obj.pk))
    assert response.status_code == 200
    assert str(obj) in response.text or obj._meta.verbose_name in response.text


def test_organisation_form_has_the_point_map(administrator_client, organisation):
    response = administrator_client.get(admin_url(Organisation, "change", organisation.pk))
    html = response.text
    assert "data-point-widget" in html
    assert 'data-latitude-input="id_latitude"' in html
    assert 'data-commune-input="id_commune"' in html
    # Leaflet from django-leaflet's static files, our module; never leaflet.forms / GeoDjango widgets.
    assert "/static/leaflet/leaflet.js" in html
    assert 'src="/static/js/admin-point-widget.js" type="module"' in html
    assert "leaflet.forms" not in html
    assert reverse("admin:directory_organisation_centroid") in html


def test_commune_centroid_for_the_map(administrator_client, commune):
    url = reverse("admin:directory_organisation_centroid")
    response = administrator_client.get(url, {"commune": commune.pk})
    assert response.json() == {"name": commune.name, "latitude": commune.latitude, "longitude": commune.longitude}
    refused = administrator_client.get(url, {"commune": "abc"})
    assert (refused.status_code, refused.json()) == (400, {"erreurs": ["Identifiant de commune invalide."]})
    unknown = administrator_client.get(url, {"commune": "999999"})
    assert (unknown.status_code, unknown.json()) == (404, {"erreurs": ["Commune introuvable."]})


def test_commune_centroid_refused_to_visitors(client, commune):
    response = client.get(reverse("admin:directory_organisation_centroid"), {"commune": commune.pk})
    assert response.status_code == 302  # to the admin login


def test_organisation_form_uses_autocomplete_for_territories(administrator_client, organisation):
    html = administrator_client.get(admin_url(Organisation, "change", organisation.pk)).text
    for field in ("commune", "represented_epci", "ptces"):
        assert f'id="id_{field}"' in html
    assert html.count("admin-autocomplete") >= 3
    # never a giant select: the commune select holds only the current commune
    assert html.count('<option value="') < 200


def test_logo_preview(administrator_client, organisation, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    gif = (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
        b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )
    organisation.logo = SimpleUploadedFile("logo.gif", gif, content_type="image/gif")
    organisation.save()
    html = administrator_client.get(admin_url(Organisation, "change", organisation.pk)).text
    assert f'alt="Logo actuel de {organisation.name}"' in html
    assert 'class="logo-preview"' in html


def test_ptce_page_lists_its_members_inline(administrator_client):
    ptce = OrganisationFactory(kind=Organisation.Kind.PTCE, name="PTCE du Valenciennois")
    member = OrganisationFactory(name="Recyclerie solidaire")
    member.ptces.add(ptce)
    html = administrator_client.get(admin_url(Organisation, "change", ptce.pk)).text
    assert "Membres de ce PTCE" in html
    assert "Recyclerie solidaire" in html


def test_publish_unpublish_and_mark_as_member(administrator_client):
    first = OrganisationFactory(is_published=False, is_member=False)
    second = OrganisationFactory(is_published=False, is_member=False)
    changelist = admin_url(Organisation, "changelist")

    response = administrator_client.post(
        changelist, {"action": "publish", "_selected_action": [first.pk, second.pk]}, follow=True
    )
    assert "2 organisation(s) publiée(s)." in response.text
    first.refresh_from_db()
    assert first.is_published
    assert first.history.first().history_change_reason == "Publication"

    administrator_client.post(changelist, {"action": "unpublish", "_selected_action": [first.pk]})
    first.refresh_from_db()
    assert not first.is_published

    administrator_client.post(changelist, {"action": "mark_as_member", "_selected_action": [second.pk]})
    second.refresh_from_db()
    assert second.is_member
    assert second.member_since is not None


def test_export_selection_as_csv(administrator_client):
    chosen = OrganisationFactory(name="Les Ateliers du Réemploi")
    OrganisationFactory(name="Une autre structure")
    response = administrator_client.post(
        admin_url(Organisation, "changelist"), {"action": "export_admin_action", "_selected_action": [chosen.pk]}
    )
    assert response.status_code == 200  # the export form: choose CSV or XLSX
    response = administrator_client.post(
        reverse("admin:directory_organisation_export"),
        {"format": "0", "export_items": [chosen.pk], "resource": "0", **_all_export_fields()},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert "Les Ateliers du Réemploi" in body
    assert "Une autre structure" not in body
    assert body.splitlines()[0].startswith("slug,nom,type")


def _all_export_fields():
    from directory.resources import OrganisationResource

    return {f"organisationresource_{field}": "on" for field in OrganisationResource().fields}


def test_duplicate_warning_on_admin_save(administrator_client, commune):
    existing = OrganisationFactory(name="Maillage", commune=commune)
    add_url = admin_url(Organisation, "add")
    from tests.formdata import form_values

    data = form_values(administrator_client.get(add_url).text, "organisation_form")
    data.update({"name": "Association Maillage", "slug": "association-maillage", "commune": commune.pk})
    response = administrator_client.post(add_url, data, follow=True)
    assert response.status_code == 200
    assert Organisation.objects.filter(slug="association-maillage").exists()
    assert "ressemble peut-être à une fiche existante" in response.text
    assert reverse("admin:directory_organisation_change", args=[existing.pk]) in response.text


def test_changelist_query_count_does_not_grow_with_rows(administrator_client, commune):
    """list_select_related keeps the commune column from issuing one query per organisation."""
    url = admin_url(Organisation, "changelist")
    OrganisationFactory.create_batch(5, commune=commune)
    administrator_client.get(url)  # warm the session and content types
    with CaptureQueriesContext(connection) as five:
        assert administrator_client.get(url).status_code == 200
    OrganisationFactory.create_batch(45)  # other communes, too
    with CaptureQueriesContext(connection) as fifty:
        response = administrator_client.get(url)
    assert "50 organisations" in response.text
    assert len(fifty) == len(five)
