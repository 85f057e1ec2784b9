"""The term's follow-up: phases, per-measure status and evidence, public pages, feeds, proposed updates."""

import datetime
import io
import re
from html import unescape

import pytest
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from pypdf import PdfWriter

from core.views import FilteredListMixin
from proposals.models import Campaign, Commitment, CommitmentUpdate, Proposal
from proposals.models.commitments import MeasureFollowUp
from tests.factories import (
    AxisFactory,
    CampaignFactory,
    CommitmentFactory,
    CommitmentUpdateFactory,
    OrganisationFactory,
    ProposalFactory,
    SectorFactory,
)

LIST_URL = reverse("proposals:commitment-list")
FEED_URL = reverse("proposals:update-feed")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def real_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def after_vote(campaign):
    campaign.first_round_on = datetime.date(2026, 3, 15)
    campaign.second_round_on = datetime.date(2026, 3, 22)
    campaign.save()
    return campaign


@pytest.fixture
def followed(after_vote, places):
    """A validated team in Marly on two measures: one done with evidence, one declared done without any."""
    first = Proposal.objects.get(slug="proximite-a")
    second = Proposal.objects.get(slug="stimuler-b")
    commitment = CommitmentFactory(
        campaign=after_vote,
        commune=places["marly"],
        full_name="Liste test Marly",
        email="secret-marly@example.org",
        proposals=[first, second],
    )
    CommitmentUpdateFactory(
        commitment=commitment,
        proposal=first,
        date=datetime.date(2026, 6, 1),
        status="realise",
        note="Clause sociale votée.",
        evidence_url="https://marly.example/deliberation-12",
        evidence_label="Délibération n° 12",
    )
    CommitmentUpdateFactory(commitment=commitment, proposal=second, date=datetime.date(2026, 7, 1), status="realise")
    return {"commitment": commitment, "first": first, "second": second}


def test_the_phase_follows_the_election_dates():
    campaign = Campaign(first_round_on=datetime.date(2026, 3, 15), second_round_on=datetime.date(2026, 3, 22))
    assert campaign.phase_on(datetime.date(2026, 3, 15)) == Campaign.Phase.CAMPAIGN
    assert campaign.phase_on(datetime.date(2026, 3, 16)) == Campaign.Phase.BETWEEN_ROUNDS
    assert campaign.phase_on(datetime.date(2026, 3, 22)) == Campaign.Phase.BETWEEN_ROUNDS
    assert campaign.phase_on(datetime.date(2026, 3, 23)) == Campaign.Phase.TERM
    assert Campaign().phase_on(datetime.date(2030, 1, 1)) == Campaign.Phase.CAMPAIGN


def test_after_the_vote_the_campaign_page_leads_with_the_follow_up(visitor, followed):
    html = visitor.get(reverse("proposals:campaign")).content.decode()
    assert "Le mandat 2026–2032 : où en sont les engagements ?" in html
    assert "1 équipe engagée dans 1 intercommunalité" in html
    assert html.index("Suivre les engagements du mandat") < html.index("s'engager</a>")
    assert "Vous êtes élu·e ou candidat·e ?" not in html


def test_the_term_summary_counts_each_team_in_its_epci_and_done_by_the_latest_status(visitor, followed, places):
    """A team typed with its commune only counts for the commune's EPCI; a measure done then reopened is not done."""
    lille = CommitmentFactory(campaign=followed["commitment"].campaign, commune=places["lille"], epci=None)
    first = Proposal.objects.get(slug="proximite-a")
    lille.proposals.set([first])
    CommitmentUpdateFactory(commitment=lille, proposal=first, status="realise", date=datetime.date(2026, 5, 1))
    CommitmentUpdateFactory(commitment=lille, proposal=first, status="en-cours", date=datetime.date(2026, 9, 1))
    text = " ".join(visitor.get(reverse("proposals:campaign")).content.decode().split())
    assert "2 équipes engagées dans 2 intercommunalités ; 1 a déjà réalisé au moins une mesure." in text


def test_before_the_vote_the_page_invites_candidates(visitor, campaign):
    html = visitor.get(reverse("proposals:campaign")).content.decode()
    assert "S'engager sur ces propositions" in html
    assert "où en sont les engagements" not in html


def test_after_the_vote_candidate_lists_can_no_longer_commit(visitor, after_vote):
    form_page = visitor.get(reverse("proposals:commitment-create")).content.decode()
    assert 'value="candidat"' not in form_page
    data = {
        "full_name": "Jeanne Martin",
        "kind": "candidat",
        "role": "Tête de liste",
        "commune": "Marly",
        "email": "jeanne@example.org",
        "proposals": [str(Proposal.objects.get(slug="proximite-a").pk)],
        "consent": "on",
    }
    response = visitor.post(reverse("proposals:commitment-create"), data)
    assert response.status_code == 200
    assert "seules les équipes élues et les collectivités" in response.content.decode()
    assert not Commitment.objects.exists()


def test_commitment_page_shows_measures_status_evidence_and_never_the_email(visitor, followed):
    html = visitor.get(followed["commitment"].get_absolute_url()).content.decode()
    assert "secret-marly@example.org" not in html
    assert "Liste test Marly" in html
    first = html.split('id="mesure-proximite-a"', 1)[1].split("</section>", 1)[0]
    assert 'href="https://marly.example/deliberation-12"' in first and "Délibération n° 12" in first
    assert "non documenté" not in first
    second = html.split('id="mesure-stimuler-b"', 1)[1].split("</section>", 1)[0]
    assert "Réalisé · déclaré, non documenté" in second


def test_unvalidated_commitments_have_no_public_page(visitor, campaign, places):
    pending = CommitmentFactory(campaign=campaign, commune=places["lille"], status="confirmed")
    assert visitor.get(reverse("proposals:commitment-detail", kwargs={"pk": pending.pk})).status_code == 404


def test_commitment_page_suggests_local_actors_sharing_a_sector(visitor, followed, places):
    sector = SectorFactory(slug="alimentation", name="Alimentation")
    followed["first"].sectors.add(sector)
    near = OrganisationFactory(name="Épicerie de Marly", commune=places["marly"])
    near.sectors.add(sector)
    far = OrganisationFactory(name="Épicerie lilloise", commune=places["lille"])
    far.sectors.add(sector)
    html = visitor.get(followed["commitment"].get_absolute_url()).content.decode()
    first = html.split('id="mesure-proximite-a"', 1)[1].split("</section>", 1)[0]
    assert "Épicerie de Marly" in first and "Épicerie lilloise" not in first


def test_commitment_page_query_count(visitor, followed, places, django_assert_num_queries):
    """Commitment, measures, their sectors and themes, updates, candidate actors with sectors and themes."""
    sector = SectorFactory(slug="alimentation", name="Alimentation")
    followed["first"].sectors.add(sector)
    for _ in range(4):
        OrganisationFactory(commune=places["marly"]).sectors.add(sector)
        CommitmentUpdateFactory(commitment=followed["commitment"], proposal=followed["first"], status="en-cours")
    with django_assert_num_queries(8):
        response = visitor.get(followed["commitment"].get_absolute_url())
    assert response.status_code == 200


def test_measure_page_counts_teams_by_status_with_a_chart_and_its_table(visitor, followed, places):
    other = CommitmentFactory(campaign=followed["commitment"].campaign, commune=places["lille"])
    other.proposals.set([followed["first"]])
    response = visitor.get(reverse("proposals:measure-detail", kwargs={"slug": "proximite-a"}))
    html = response.content.decode()
    assert "2 équipes engagées sur cette mesure." in html
    assert re.search(r'<svg [^>]*aria-hidden="true"', html)
    assert re.search(r'id="etat-realise"><th scope="row">Réalisé</th><td>1</td>', html)
    assert re.search(r'id="etat-engage"><th scope="row">Engagé</th><td>1</td>', html)
    assert f"{FEED_URL}?mesure=proximite-a" in html and 'rel="alternate"' in html


def test_measure_page_query_count(visitor, followed, places, django_assert_num_queries):
    """Campaign, measure, teams, their measure, their updates: none per team."""
    for commune in (places["lille"], places["grenay"], places["valenciennes"]):
        CommitmentFactory(campaign=followed["commitment"].campaign, commune=commune, proposals=[followed["first"]])
    with django_assert_num_queries(5):
        response = visitor.get(reverse("proposals:measure-detail", kwargs={"slug": "proximite-a"}))
    assert "4 équipes engagées" in response.content.decode()


def test_unknown_measure_is_404(visitor, after_vote):
    assert visitor.get(reverse("proposals:measure-detail", kwargs={"slug": "inconnue"})).status_code == 404


def test_list_filters_by_epci_measure_and_status(visitor, followed, places):
    CommitmentFactory(campaign=followed["commitment"].campaign, commune=places["lille"], full_name="Équipe de Lille")
    by_epci = visitor.get(LIST_URL, {"epci": places["valenciennes_epci"].siren}).content.decode()
    assert "Liste test Marly" in by_epci and "Équipe de Lille" not in by_epci
    by_measure = visitor.get(LIST_URL, {"mesure": "stimuler-b"}).content.decode()
    assert "Liste test Marly" in by_measure and "Équipe de Lille" not in by_measure
    in_progress = visitor.get(LIST_URL, {"avancement": "en-cours"}).content.decode()
    assert "Aucun engagement ne correspond à ces filtres." in in_progress
    done = visitor.get(LIST_URL, {"avancement": "realise"}).content.decode()
    assert "Liste test Marly" in done and "Équipe de Lille" not in done


def test_the_list_works_out_each_commitments_measures_once(visitor, followed, monkeypatch):
    """The card lists the measures and the progress, the map class needs the progress: one timeline per measure."""
    built = []
    original = MeasureFollowUp.__init__
    monkeypatch.setattr(MeasureFollowUp, "__init__", lambda self, *a: built.append(a) or original(self, *a))
    html = visitor.get(LIST_URL).content.decode()
    assert "Le suivi détaillé (100 % des mesures réalisées)" in html
    assert len(built) == 2


def test_bad_filter_values_answer_400_in_french(visitor, after_vote):
    response = visitor.get(LIST_URL, {"epci": "000", "avancement": "fini"})
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "Cette intercommunalité n'est pas dans les Hauts-de-France." in html
    assert "Cet état d'avancement n'existe pas." in html


def test_the_list_filters_like_every_filtered_list_of_the_site(visitor, after_vote):
    """The one mixin and the one partial: the message sits next to its field, the summary links to it."""
    assert issubclass(resolve(LIST_URL).func.view_class, FilteredListMixin)
    response = visitor.get(LIST_URL, {"mesure": "inconnue", "page": "3"})
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count("data-filter-form") == 1
    assert 'aria-describedby="id_mesure_error"' in body and '<a href="#id_mesure">' in body
    assert "Aucun résultat : un filtre n'est pas valide." in body
    assert list(response.context["commitments"]) == []


def test_a_measure_of_another_campaign_is_not_a_filter_value(visitor, after_vote):
    other = CampaignFactory(slug="europeennes-2024", year=2024)
    ProposalFactory(axis=AxisFactory(campaign=other, slug="autre"), slug="mesure-ancienne")
    assert visitor.get(LIST_URL, {"mesure": "mesure-ancienne"}).status_code == 400
    assert visitor.get(LIST_URL, {"mesure": "proximite-a"}).status_code == 200


def test_geojson_gives_each_team_its_progress(visitor, followed):
    feature = visitor.get(reverse("proposals:commitment-geojson")).json()["features"][0]
    signatory = feature["properties"]["signatories"][0]
    assert signatory["progress"] == 100 and signatory["progressClass"] == "realise"
    assert signatory["url"] == followed["commitment"].get_absolute_url()


def test_epci_page_lists_the_commitments_of_its_territory(visitor, followed, places):
    epci = places["valenciennes_epci"]
    html = visitor.get(reverse("territories:epci-detail", kwargs={"slug": epci.slug})).content.decode()
    section = html.split('id="engagements"', 1)[1].split("</section>", 1)[0]
    assert "Liste test Marly" in section and "2 mesures, 100 % réalisées" in section
    assert f"{FEED_URL}?epci={epci.siren}" in html
    assert f"{reverse('proposals:alert-subscribe')}?epci={epci.siren}" in section


def test_a_commitment_typed_with_its_commune_only_counts_for_its_epci(visitor, after_vote, places):
    """The EPCI filter of the list and the EPCI page follow the same rule as its feed and alerts."""
    CommitmentFactory(campaign=after_vote, commune=places["lille"], epci=None, full_name="Liste de Lille")
    lille, lens = places["lille_epci"], places["lens_epci"]
    assert "Liste de Lille" in visitor.get(LIST_URL, {"epci": lille.siren}).content.decode()
    assert "Liste de Lille" not in visitor.get(LIST_URL, {"epci": lens.siren}).content.decode()
    page = visitor.get(reverse("territories:epci-detail", kwargs={"slug": lille.slug})).content.decode()
    assert "Liste de Lille" in page.split('id="engagements"', 1)[1].split("</section>", 1)[0]


def test_feeds_all_per_epci_and_per_measure(visitor, followed, places):
    everything = visitor.get(FEED_URL)
    assert everything["Content-Type"].startswith("application/atom+xml")
    assert everything.content.decode().count("<entry>") == 2
    assert visitor.get(FEED_URL, {"epci": places["lille_epci"].siren}).content.decode().count("<entry>") == 0
    measure = visitor.get(FEED_URL, {"mesure": "stimuler-b"}).content.decode()
    assert measure.count("<entry>") == 1 and "Déclaré, non documenté." in measure
    assert visitor.get(FEED_URL, {"epci": "123"}).status_code == 404


def test_an_epci_feed_carries_the_updates_of_commitments_made_for_its_communes(visitor, after_vote, places):
    # Typed in the admin with its commune only: the commune's EPCI still follows it.
    commitment = CommitmentFactory(campaign=after_vote, commune=places["lille"], epci=None, full_name="Liste de Lille")
    CommitmentUpdateFactory(commitment=commitment, proposal=None, status="en-cours", note="Étude lancée.")
    feed = visitor.get(FEED_URL, {"epci": places["lille_epci"].siren}).content.decode()
    assert feed.count("<entry>") == 1 and "Étude lancée." in feed
    assert visitor.get(FEED_URL, {"epci": places["lens_epci"].siren}).content.decode().count("<entry>") == 0


def test_a_measure_feed_carries_the_notes_on_a_whole_commitment_that_chose_it(visitor, followed):
    CommitmentUpdateFactory(commitment=followed["commitment"], proposal=None, status="en-cours", note="Budget voté.")
    feed = visitor.get(FEED_URL, {"mesure": "stimuler-b"}).content.decode()
    assert feed.count("<entry>") == 2 and "Budget voté." in feed
    assert "Budget voté." not in visitor.get(FEED_URL, {"mesure": "transition-a"}).content.decode()


def test_proposed_updates_stay_private_until_moderated(visitor, followed):
    CommitmentUpdateFactory(
        commitment=followed["commitment"], proposal=followed["first"], note="Pas encore vérifié.", review="proposed"
    )
    assert "Pas encore vérifié." not in visitor.get(followed["commitment"].get_absolute_url()).content.decode()
    assert "Pas encore vérifié." not in visitor.get(FEED_URL).content.decode()


def propose_url(commitment):
    return reverse("proposals:update-propose", kwargs={"token": commitment.update_token()})


def test_team_proposes_an_update_with_a_pdf_and_staff_publish_it(visitor, client, followed, administrator, settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["equipe@apes.example"]
    commitment = followed["commitment"]
    url = propose_url(commitment)
    data = {
        "proposal": followed["second"].pk,
        "status": "realise",
        "note": "Le marché est attribué.",
        "evidence_label": "Avis d'attribution",
        "evidence_file": SimpleUploadedFile("avis.pdf", real_pdf(), content_type="application/pdf"),
    }
    response = visitor.post(url, data)
    assert response.status_code == 200 and "Merci, votre mise à jour est envoyée" in response.content.decode()
    update = CommitmentUpdate.objects.get(note="Le marché est attribué.")
    assert update.review == "proposed"
    assert mail.outbox[-1].to == ["equipe@apes.example"]
    # The same link does not serve twice.
    assert visitor.get(url).status_code == 409

    client.force_login(administrator)
    changelist = reverse("admin:proposals_commitmentupdate_changelist")
    client.post(changelist, {"action": "approve_selected", "_selected_action": [update.pk]})
    update.refresh_from_db()
    assert update.review == "published"
    assert mail.outbox[-1].to == [commitment.email]
    assert "Le marché est attribué." in mail.outbox[-1].body
    client.logout()
    html = visitor.get(commitment.get_absolute_url()).content.decode()
    second = html.split('id="mesure-stimuler-b"', 1)[1].split("</section>", 1)[0]
    assert "Avis d&#x27;attribution" in second and "non documenté" not in second


def test_evidence_must_be_a_real_pdf_or_an_http_link(visitor, followed):
    url = propose_url(followed["commitment"])
    fake = SimpleUploadedFile("avis.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = visitor.post(
        url, {"proposal": followed["first"].pk, "status": "en-cours", "note": "x", "evidence_file": fake}
    )
    assert response.status_code == 400 and "n'est pas un PDF" in unescape(response.content.decode())
    response = visitor.post(
        url,
        {"proposal": followed["first"].pk, "status": "en-cours", "note": "x", "evidence_url": "javascript:alert(1)"},
    )
    assert response.status_code == 400 and "http:// ou https://" in response.content.decode()
    assert not CommitmentUpdate.objects.filter(review="proposed").exists()


def test_tampered_and_expired_update_links_answer_400(visitor, followed, settings):
    token = followed["commitment"].update_token()
    tampered = reverse("proposals:update-propose", kwargs={"token": token[:-2] + "xx"})
    assert visitor.get(tampered).status_code == 400
    assert "incomplet ou erroné" in visitor.get(tampered).content.decode()
    forged = signing.TimestampSigner(salt="other").sign(f"{followed['commitment'].pk}:0")
    assert visitor.get(reverse("proposals:update-propose", kwargs={"token": forged})).status_code == 400
    settings.COMMITMENT_UPDATE_LINK_MAX_AGE = -1
    expired = visitor.get(reverse("proposals:update-propose", kwargs={"token": token}))
    assert expired.status_code == 400 and "a expiré" in expired.content.decode()


def test_validation_mail_and_confirmation_mail_list_what_matters(client, administrator, campaign, places):
    commitment = CommitmentFactory(campaign=campaign, commune=places["lille"], status="confirmed", validated_at=None)
    commitment.proposals.set([Proposal.objects.get(slug="proximite-a")])
    client.force_login(administrator)
    client.post(
        reverse("admin:proposals_commitment_changelist"),
        {"action": "approve_selected", "_selected_action": [commitment.pk]},
    )
    assert mail.outbox[-1].to == [commitment.email]
    assert "publié" in mail.outbox[-1].subject
    assert commitment.get_absolute_url() in mail.outbox[-1].body
    assert "/engagements/proposer-un-suivi/" in mail.outbox[-1].body


def test_epci_page_commitments_query_count(visitor, followed, places, django_assert_num_queries):
    """Three teams, no organisation: the page's own 9 queries, then commitments, their measures, their updates."""
    for commune in (places["valenciennes"], places["marly"]):
        CommitmentFactory(campaign=followed["commitment"].campaign, commune=commune, proposals=[followed["first"]])
    epci = places["valenciennes_epci"]
    with django_assert_num_queries(12):
        response = visitor.get(reverse("territories:epci-detail", kwargs={"slug": epci.slug}))
    assert response.content.decode().count("proposals-epci-commitments") == 1
