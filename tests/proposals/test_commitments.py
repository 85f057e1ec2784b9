"""Commitments: the form, the signed confirmation link, staff validation, the public page and its map."""

import datetime
import json
import re
from html import unescape

import pytest
from django.core import mail, signing
from django.test import override_settings
from django.urls import reverse

from proposals.models import Commitment, Proposal
from tests.factories import CommitmentFactory, CommitmentUpdateFactory, CommuneFactory

pytestmark = pytest.mark.django_db

FORM_URL = reverse("proposals:commitment-create")
LIST_URL = reverse("proposals:commitment-list")
GEOJSON_URL = reverse("proposals:commitment-geojson")
CAMPAIGN_URL = reverse("proposals:campaign")
EMAIL = "jeanne.martin@mairie-marly.example"


def form_data(campaign, **overrides):
    data = {
        "full_name": "Jeanne Martin",
        "kind": "elu",
        "role": "Maire",
        "list_name": "",
        "commune": "Marly",
        "epci": "",
        "email": EMAIL,
        "proposals": [str(p.pk) for p in Proposal.objects.filter(slug__in=["proximite-a", "stimuler-b"])],
        "consent": "on",
        "site_web_confirmation": "",
    }
    data.update(overrides)
    return data


def confirmation_link(message):
    match = re.search(r"https?://testserver(/municipales-2026/s-engager/confirmer/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_form_lists_every_proposal_by_axis(visitor, campaign):
    response = visitor.get(FORM_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Axe 1 · Soutenir les initiatives citoyennes") < html.index("Axe 2 · Favoriser une économie")
    assert html.count('type="checkbox" name="proposals"') == 8
    assert 'id="id_proposals_proximite-a"' in html
    assert 'class="hp-field"' in html


def test_a_link_from_a_measure_preselects_it(visitor, campaign):
    html = visitor.get(FORM_URL, {"proposition": "proximite-a"}).content.decode()
    assert re.search(r'id="id_proposals_proximite-a" checked', html)
    assert not re.search(r'id="id_proposals_proximite-b" checked', html)


def test_full_commitment_flow(visitor, client, campaign, places, administrator, settings):
    """Submit → email with a link → confirm → invisible until validated → public with counts and on the map."""
    settings.STAFF_NOTIFICATION_EMAILS = ["equipe@apes.example"]
    response = visitor.post(FORM_URL, form_data(campaign, list_name="Marly en commun"))
    assert response.status_code == 302
    assert response.url == reverse("proposals:commitment-sent")
    assert "confirmez votre engagement" in visitor.get(response.url).content.decode()

    commitment = Commitment.objects.get()
    assert commitment.status == Commitment.Status.PENDING
    assert commitment.commune == places["marly"] and commitment.epci == places["valenciennes_epci"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [EMAIL]
    link = confirmation_link(mail.outbox[0])

    # Opening the link shows what will be confirmed but changes nothing (mail scanners open links).
    page = visitor.get(link)
    assert page.status_code == 200
    assert "Je confirme mon engagement" in page.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.PENDING

    done = visitor.post(link)
    assert "Merci, votre engagement est confirmé" in done.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.CONFIRMED
    assert len(mail.outbox) == 2
    staff_mail = mail.outbox[1]
    assert staff_mail.to == ["equipe@apes.example"]
    assert "Jeanne Martin" in staff_mail.subject
    assert f"/proposals/commitment/{commitment.pk}/change/" in staff_mail.body

    # Confirmed but not validated: nowhere in public.
    assert "Jeanne Martin" not in client.get(LIST_URL).content.decode()
    assert client.get(GEOJSON_URL).json()["features"] == []

    # Staff validate it in the admin.
    client.force_login(administrator)
    changelist = reverse("admin:proposals_commitment_changelist")
    response = client.post(changelist, {"action": "approve_selected", "_selected_action": [commitment.pk]})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.VALIDATED
    assert commitment.validated_by == administrator
    client.logout()

    html = client.get(LIST_URL).content.decode()
    assert "Jeanne Martin" in html
    assert "Liste « Marly en commun »" in html
    assert "1 engagement publié, dans 1 commune." in html
    row = html.split('id="compteur-proximite-a"', 1)[1].split("</tr>", 1)[0]
    assert "<td>1</td>" in row
    row = html.split('id="compteur-proximite-b"', 1)[1].split("</tr>", 1)[0]
    assert "<td>0</td>" in row
    feature = client.get(GEOJSON_URL).json()["features"][0]
    assert feature["properties"]["name"] == "Marly"
    assert feature["properties"]["count"] == 1
    assert feature["geometry"]["coordinates"] == [places["marly"].longitude, places["marly"].latitude]
    assert "1 engagement publié" in client.get(CAMPAIGN_URL).content.decode()

    # The same link again: already done, nothing changes.
    again = visitor.post(link)
    assert "Cet engagement est déjà confirmé" in again.content.decode()


def test_an_expired_link_is_refused_with_a_clear_message(visitor, campaign, settings):
    visitor.post(FORM_URL, form_data(campaign))
    link = confirmation_link(mail.outbox[0])
    settings.COMMITMENT_CONFIRMATION_MAX_AGE = -1
    for method in (visitor.get, visitor.post):
        response = method(link)
        assert response.status_code == 400
        assert "Ce lien de confirmation a expiré" in response.content.decode()
    assert Commitment.objects.get().status == Commitment.Status.PENDING


@pytest.mark.parametrize("tamper", ["swap-id", "bad-signature", "garbage", "other-salt"])
def test_a_tampered_link_is_refused_with_a_clear_message(visitor, campaign, tamper):
    visitor.post(FORM_URL, form_data(campaign))
    link = confirmation_link(mail.outbox[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    value, timestamp, signature = token.split(":")
    forged = {
        "swap-id": f"{int(value) + 1}:{timestamp}:{signature}",
        "bad-signature": f"{value}:{timestamp}:{signature[:-2]}xx",
        "garbage": "n-importe-quoi",
        "other-salt": signing.TimestampSigner(salt="autre").sign(value),
    }[tamper]
    response = visitor.post(reverse("proposals:commitment-confirm", kwargs={"token": forged}))
    assert response.status_code == 400
    assert "Ce lien de confirmation n'est pas valide" in response.content.decode()
    assert Commitment.objects.get().status == Commitment.Status.PENDING


def test_no_signatory_email_on_any_public_page(visitor, campaign, places):
    proposal = campaign.axes.get(slug="proximite").proposals.first()
    public = CommitmentFactory(campaign=campaign, commune=places["lille"], email="secret.public@ville.example")
    public.proposals.set([proposal])
    CommitmentUpdateFactory(commitment=public, note="Délibération votée.")
    CommitmentFactory(
        campaign=campaign, commune=places["grenay"], email="secret.pending@ville.example", status="confirmed"
    )
    pages = [
        visitor.get(CAMPAIGN_URL),
        visitor.get(CAMPAIGN_URL, {"commune": "Lille"}),
        visitor.get(LIST_URL),
        visitor.get(GEOJSON_URL),
        visitor.get(FORM_URL),
        visitor.get(reverse("proposals:commitment-sent")),
    ]
    for response in pages:
        body = response.content.decode()
        assert response.status_code == 200
        assert "secret." not in body
        assert "@ville.example" not in body


def test_honeypot_rejects_bots_without_saving(visitor, campaign):
    response = visitor.post(FORM_URL, form_data(campaign, site_web_confirmation="http://spam.example"))
    assert response.status_code == 200
    assert "Votre envoi n'a pas pu être accepté." in unescape(response.content.decode())
    assert not Commitment.objects.exists()
    assert mail.outbox == []


def test_rate_limit_answers_429_in_french(visitor, campaign, settings):
    assert settings.COMMITMENT_RATE == "5/h"
    statuses = [
        visitor.post(FORM_URL, form_data(campaign, email=f"elu{n}@mairie.example")).status_code for n in range(6)
    ]
    assert statuses == [302] * 5 + [429]
    assert Commitment.objects.count() == 5
    response = visitor.post(FORM_URL, form_data(campaign, email="encore@mairie.example"))
    assert "Trop de demandes" in response.content.decode()


def test_duplicate_email_and_commune_is_refused_without_a_second_record(visitor, campaign, places):
    CommitmentFactory(campaign=campaign, commune=places["marly"], email=EMAIL.upper())
    response = visitor.post(FORM_URL, form_data(campaign))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Un engagement a déjà été enregistré avec ce courriel pour Marly." in html
    assert Commitment.objects.count() == 1
    assert mail.outbox == []
    assert 'value="Jeanne Martin"' in html  # data kept


def test_same_email_for_another_commune_is_accepted(visitor, campaign, places):
    CommitmentFactory(campaign=campaign, commune=places["lille"], email=EMAIL)
    assert visitor.post(FORM_URL, form_data(campaign)).status_code == 302
    assert Commitment.objects.count() == 2


def test_resubmitting_before_confirmation_replaces_the_pending_commitment(visitor, campaign):
    visitor.post(FORM_URL, form_data(campaign))
    other = Proposal.objects.get(slug="transition-a")
    response = visitor.post(FORM_URL, form_data(campaign, role="Adjointe au maire", proposals=[str(other.pk)]))
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert commitment.role == "Adjointe au maire"
    assert list(commitment.proposals.all()) == [other]
    assert len(mail.outbox) == 2
    assert "vos nouveaux choix remplacent les précédents" in visitor.get(response.url).content.decode()
    # Both links point at the same commitment: the newest works.
    assert visitor.post(confirmation_link(mail.outbox[1])).status_code == 200


def test_errors_are_clear_tied_to_their_fields_and_keep_the_data(visitor, campaign):
    response = visitor.post(
        FORM_URL, form_data(campaign, commune="", proposals=[], consent="", email="pas-une-adresse")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Indiquez une commune ou un EPCI." not in html  # model checks wait for valid fields
    assert "Choisissez au moins une proposition." in html
    assert "Cochez cette case pour que votre engagement puisse être publié." in html
    assert 'id="erreurs-formulaire"' in html
    consent = re.search(r'<input type="checkbox" name="consent"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in consent and 'aria-describedby="id_consent_error"' in consent
    assert 'id="id_consent_error"' in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert 'id="id_email_error"' in html
    assert 'value="Jeanne Martin"' in html and 'value="Maire"' in html
    assert not Commitment.objects.exists()


def test_a_territory_is_required(visitor, campaign):
    html = visitor.post(FORM_URL, form_data(campaign, commune="")).content.decode()
    assert "Indiquez une commune ou un EPCI." in html
    assert not Commitment.objects.exists()


def test_commune_lookup_in_the_form(visitor, campaign, places):
    html = visitor.post(FORM_URL, form_data(campaign, commune="Atlantis")).content.decode()
    assert "Aucune commune des Hauts-de-France ne correspond à « Atlantis »" in html
    assert 'value="Atlantis"' in html
    response = visitor.post(FORM_URL, form_data(campaign, commune="59770"))
    assert response.status_code == 302
    assert Commitment.objects.get().commune == places["marly"]


def test_an_ambiguous_commune_asks_for_the_postal_code(visitor, campaign, places):
    CommuneFactory(insee_code="02468", name="Marly", postal_codes=["02120"], department=places["marly"].department)
    html = visitor.post(FORM_URL, form_data(campaign)).content.decode()
    assert "Plusieurs communes correspondent : « Marly (02120) », « Marly (59770) »." in html
    assert not Commitment.objects.exists()
    assert visitor.post(FORM_URL, form_data(campaign, commune="Marly (59770)")).status_code == 302
    assert Commitment.objects.get().commune == places["marly"]


def test_an_epci_alone_is_enough(visitor, campaign, places):
    data = form_data(campaign, commune="", epci=places["lens_epci"].siren, kind="collectivite", role="Président")
    assert visitor.post(FORM_URL, data).status_code == 302
    commitment = Commitment.objects.get()
    assert commitment.commune is None and commitment.epci == places["lens_epci"]


def test_a_commune_outside_the_chosen_epci_is_refused(visitor, campaign, places):
    html = unescape(visitor.post(FORM_URL, form_data(campaign, epci=places["lens_epci"].siren)).content.decode())
    assert "Marly n'appartient pas à l'EPCI choisi (CA de Lens-Liévin)." in html
    assert not Commitment.objects.exists()


def test_closed_campaign_accepts_no_commitment(visitor, campaign):
    campaign.commitments_open = False
    campaign.save()
    assert "Les engagements sont clos" in visitor.get(FORM_URL).content.decode()
    assert visitor.post(FORM_URL, form_data(campaign)).status_code == 403
    assert not Commitment.objects.exists()


def test_follow_up_status_and_dated_notes_are_public(visitor, campaign, places):
    proposal = campaign.axes.get(slug="proximite").proposals.get(slug="proximite-a")
    commitment = CommitmentFactory(
        campaign=campaign, commune=places["lille"], full_name="Karim Benali", proposals=[proposal]
    )
    CommitmentUpdateFactory(
        commitment=commitment, date=datetime.date(2026, 6, 2), status="en-cours", note="Premier groupe de travail."
    )
    CommitmentUpdateFactory(
        commitment=commitment, date=datetime.date(2027, 1, 15), status="realise", note="Bail signé."
    )
    card = visitor.get(LIST_URL).content.decode().split(f'id="engagement-{commitment.pk}"', 1)[1]
    assert 'proposals-status-realise">Réalisé · déclaré, non documenté</span>' in card
    html = visitor.get(commitment.get_absolute_url()).content.decode()
    assert '<time datetime="2027-01-15">15 janvier 2027</time> — <strong>Réalisé</strong> : Bail signé.' in html
    assert html.index("15 janvier 2027") < html.index("2 juin 2026")


def test_pending_rejected_and_other_campaigns_stay_private(visitor, campaign, places):
    CommitmentFactory(campaign=campaign, commune=places["lille"], full_name="Personne en attente", status="pending")
    CommitmentFactory(campaign=campaign, commune=places["lille"], full_name="Personne refusée", status="rejected")
    html = visitor.get(LIST_URL).content.decode()
    assert "Personne en attente" not in html and "Personne refusée" not in html
    assert "Aucun engagement n'est encore publié." in html


def test_epci_commitments_are_placed_at_the_epci_centre(visitor, campaign, places):
    CommitmentFactory(campaign=campaign, commune=None, epci=places["lens_epci"], full_name="Conseil communautaire")
    feature = visitor.get(GEOJSON_URL).json()["features"][0]
    assert feature["properties"]["kind"] == "epci"
    assert feature["properties"]["name"] == "CA de Lens-Liévin"


def test_the_map_is_fed_by_the_geojson_endpoint_without_inline_script(visitor, campaign):
    response = visitor.get(LIST_URL)
    html = response.content.decode()
    config = json.loads(re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html).group(1))
    assert config["dataUrl"] == GEOJSON_URL
    assert config["tilesAttribution"]  # the same key as every other map
    assert 'src="/static/leaflet/leaflet.js"' in html
    assert 'src="/static/js/proposals-map.js"' in html
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all('type="application/json"' in attrs for attrs in scripts)
    assert visitor.get(GEOJSON_URL)["Content-Type"] == "application/geo+json"


def test_pages_past_the_end_are_404(visitor, campaign):
    assert visitor.get(LIST_URL, {"page": 99}).status_code == 404
    assert visitor.get(LIST_URL, {"page": "abc"}).status_code == 404


def test_commitments_page_query_count(visitor, campaign, places, django_assert_num_queries):
    """Prefetching prevents one query per commitment (territory, proposals, follow-up notes) and per axis.

    1 campaign, 1 count, 1 page of commitments, 1 proposals, 1 updates, 1 totals, 1 axes, 1 proposals with counts,
    and the filter form's two selects (EPCI, measures).
    """
    proposals = list(campaign.axes.get(slug="proximite").proposals.all())
    for commune in (places["lille"], places["marly"], places["grenay"]):
        for _ in range(3):
            commitment = CommitmentFactory(campaign=campaign, commune=commune, proposals=proposals)
            CommitmentUpdateFactory(commitment=commitment)
    with django_assert_num_queries(10):
        response = visitor.get(LIST_URL)
    assert response.content.decode().count('class="proposals-commitment card"') == 9


def test_geojson_query_count(visitor, campaign, places, django_assert_num_queries):
    """The data version, the campaign, the commitments with their place, measures and updates: none per commitment."""
    for commune in (places["lille"], places["marly"], places["grenay"]):
        for _ in range(3):
            CommitmentFactory(campaign=campaign, commune=commune)
    with django_assert_num_queries(5):
        data = visitor.get(GEOJSON_URL).json()
    assert sorted(f["properties"]["count"] for f in data["features"]) == [3, 3, 3]


def test_line_breaks_in_names_never_reach_pages_or_email_headers(visitor, campaign, settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["equipe@apes.example"]
    data = form_data(campaign, full_name="Jeanne\r\nBcc: victime@example.org", role="  Maire \n adjointe ")
    assert visitor.post(FORM_URL, data).status_code == 302
    commitment = Commitment.objects.get()
    assert commitment.full_name == "Jeanne Bcc: victime@example.org"
    assert commitment.role == "Maire adjointe"
    visitor.post(confirmation_link(mail.outbox[0]))
    assert "\n" not in mail.outbox[1].subject
    assert mail.outbox[1].to == ["equipe@apes.example"]


@override_settings(STAFF_NOTIFICATION_EMAILS=[])
def test_no_staff_email_when_no_recipient_is_configured(visitor, campaign):
    visitor.post(FORM_URL, form_data(campaign))
    visitor.post(confirmation_link(mail.outbox[0]))
    assert len(mail.outbox) == 1


def test_geojson_revalidates_with_its_etag(visitor, campaign, places):
    """The map's data is revalidated, not downloaded again, until a commitment changes it."""
    CommitmentFactory(campaign=campaign, commune=places["lille"])
    first = visitor.get(GEOJSON_URL)
    assert first["Content-Type"] == "application/geo+json"
    assert visitor.get(GEOJSON_URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    CommitmentFactory(campaign=campaign, commune=places["marly"])
    assert visitor.get(GEOJSON_URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_geojson_is_not_readable_by_other_sites(visitor, campaign):
    """Names of people: no CORS header, unlike the open data of the directory."""
    assert not visitor.get(GEOJSON_URL).has_header("Access-Control-Allow-Origin")
