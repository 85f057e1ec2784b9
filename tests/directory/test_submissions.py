"""Public submissions: the membership application (/adherer/) and "Signaler une correction"."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from directory.models import CorrectionRequest, MembershipApplication, ReviewStatus
from tests.factories import CommuneFactory, OrganisationFactory, SectorFactory

pytestmark = pytest.mark.django_db

PRINCIPLES = (
    "accepts_social_utility",
    "accepts_territorial_anchoring",
    "accepts_democratic_governance",
    "accepts_limited_profit",
)


@pytest.fixture
def valenciennes(db):
    return CommuneFactory(insee_code="59606", name="Valenciennes", slug="valenciennes", postal_codes=["59300"])


@pytest.fixture
def application_data(valenciennes):
    sector = SectorFactory(slug="reemploi", name="Réemploi")
    return {
        "organisation_name": "La Ressourcerie du Hainaut",
        "kind": "association",
        "siren": "",
        "address": "3 rue du Rempart",
        "postal_code": "59300",
        "commune_name": "Valenciennes",
        "website": "https://ressourcerie.example",
        "sectors": [sector.pk],
        "presentation": "Collecte, valorisation et revente d'objets, avec des ateliers de réparation ouverts à tous.",
        "contact_name": "Camille Dupont",
        "email": "camille@ressourcerie.example",
        "phone": "03 27 00 00 00",
        **dict.fromkeys(PRINCIPLES, "on"),
        "consents_to_processing": "on",
        "site_web_confirmation": "",
    }


def apply_url():
    return reverse("directory:membership-apply")


def test_application_form_shows_the_four_principles(visitor):
    response = visitor.get(apply_url())
    assert response.status_code == 200
    for label in ("Utilité sociale", "Ancrage territorial", "Gouvernance démocratique", "Lucrativité limitée"):
        assert label in response.text
    for name in PRINCIPLES:
        assert f'type="checkbox" name="{name}"' in response.text


def test_application_is_stored_and_staff_notified(visitor, application_data, valenciennes, settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["equipe@apes.example"]
    response = visitor.post(apply_url(), application_data)
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:membership-thanks")
    thanks = visitor.get(response["Location"])
    assert "votre demande est bien arrivée" in thanks.text

    application = MembershipApplication.objects.get()
    assert application.organisation_name == "La Ressourcerie du Hainaut"
    assert application.commune == valenciennes
    assert application.status == ReviewStatus.NEW
    assert list(application.sectors.values_list("slug", flat=True)) == ["reemploi"]

    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.to == ["equipe@apes.example"]
    assert "La Ressourcerie du Hainaut" in message.subject
    assert f"/directory/membershipapplication/{application.pk}/change/" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert f"/directory/membershipapplication/{application.pk}/change/" in html
    assert "Ce message vous est envoyé" not in html  # a staff mail, without the person-facing footer
    acknowledgment = mail.outbox[1]
    assert acknowledgment.to == [application.email]
    assert "Nous avons bien reçu la demande d'adhésion de « La Ressourcerie du Hainaut »" in acknowledgment.body


@pytest.mark.parametrize("missing", PRINCIPLES)
def test_application_without_one_principle_is_refused_next_to_the_box(visitor, application_data, missing):
    del application_data[missing]
    response = visitor.post(apply_url(), application_data)
    assert response.status_code == 200
    assert MembershipApplication.objects.count() == 0
    assert len(mail.outbox) == 0
    html = response.text

    box = re.search(rf'<input type="checkbox" name="{missing}"[^>]*>', html).group(0)
    assert f'aria-describedby="id_{missing}_helptext id_{missing}_error"' in box
    assert 'aria-invalid="true"' in box
    error = re.search(rf'<ul class="errorlist" id="id_{missing}_error"><li>(.*?)</li>', html)
    assert error.group(1) == "Pour adhérer, la structure doit partager ce principe de la charte : cochez la case."
    # the error sits in the same field block as its box
    block = re.search(rf'<div class="field field-checkbox field-has-error">\s*{re.escape(box)}.*?</div>', html, re.S)
    assert block and f'id="id_{missing}_error"' in block.group(0)

    # nothing lost: every other answer comes back
    assert 'value="La Ressourcerie du Hainaut"' in html
    assert 'value="camille@ressourcerie.example"' in html
    assert "Collecte, valorisation et revente" in html
    for other in PRINCIPLES:
        if other != missing:
            assert re.search(rf'<input type="checkbox" name="{other}"[^>]*checked', html)


def test_application_without_consent_is_refused(visitor, application_data):
    del application_data["consents_to_processing"]
    response = visitor.post(apply_url(), application_data)
    assert response.status_code == 200
    assert "Sans votre accord, nous ne pouvons pas enregistrer la demande" in response.text
    assert MembershipApplication.objects.count() == 0


def test_unknown_commune_is_explained(visitor, application_data):
    application_data["commune_name"] = "Atlantis"
    response = visitor.post(apply_url(), application_data)
    assert response.status_code == 200
    assert "Commune introuvable : « Atlantis » (code postal 59300)." in response.text
    assert MembershipApplication.objects.count() == 0


def test_commune_typed_without_accents_is_found(visitor, application_data, db):
    commune = CommuneFactory(insee_code="59178", name="Denain", slug="denain", postal_codes=["59220"])
    CommuneFactory(insee_code="59999", name="Écaillon", slug="ecaillon", postal_codes=["59176"])
    application_data.update({"commune_name": "ecaillon", "postal_code": "59176"})
    assert visitor.post(apply_url(), application_data).status_code == 302
    assert MembershipApplication.objects.get().commune.name == "Écaillon"
    assert commune.pk  # the other commune did not get in the way


def test_honeypot_refuses_bots(visitor, application_data):
    application_data["site_web_confirmation"] = "http://spam.example"
    response = visitor.post(apply_url(), application_data)
    assert response.status_code == 200
    assert "Votre envoi n&#x27;a pas pu être accepté." in response.text
    assert MembershipApplication.objects.count() == 0
    assert len(mail.outbox) == 0


def test_application_rate_limit_per_ip(visitor, application_data):
    application_data["consents_to_processing"] = ""  # invalid posts count as well
    for _ in range(5):
        assert visitor.post(apply_url(), application_data).status_code == 200
    response = visitor.post(apply_url(), application_data)
    assert response.status_code == 429
    assert "Trop de demandes" in response.text
    assert visitor.get(apply_url()).status_code == 200  # reading the form is never limited


def test_staff_mail_failure_does_not_lose_the_application(visitor, application_data, settings):
    settings.EMAIL_BACKEND = "tests.directory.test_submissions.BrokenBackend"
    assert visitor.post(apply_url(), application_data).status_code == 302
    assert MembershipApplication.objects.count() == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP down")


# --- Signaler une correction ----------------------------------------------------------------


def correction_url(organisation):
    return reverse("directory:correction-create", args=[organisation.slug])


def test_correction_form_is_stored_and_staff_notified(visitor, organisation, settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["equipe@apes.example"]
    page = visitor.get(correction_url(organisation))
    assert page.status_code == 200
    assert organisation.name in page.text

    response = visitor.post(
        correction_url(organisation),
        {"message": "Le local a déménagé au 8 place du Marché.", "contact_name": "", "contact_email": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == organisation.get_absolute_url()
    correction = CorrectionRequest.objects.get()
    assert correction.organisation == organisation
    assert correction.status == ReviewStatus.NEW
    assert len(mail.outbox) == 1
    assert organisation.name in mail.outbox[0].subject
    assert "8 place du Marché" in mail.outbox[0].body


def test_a_correction_with_an_address_is_acknowledged(visitor, organisation):
    visitor.post(
        correction_url(organisation),
        {"message": "Le local a déménagé au 8 place du Marché.", "contact_email": "moi@example.org"},
    )
    assert [m.to for m in mail.outbox][-1] == ["moi@example.org"]
    assert "L'équipe va la vérifier" in mail.outbox[-1].body


def test_correction_too_short_comes_back_filled(visitor, organisation):
    response = visitor.post(correction_url(organisation), {"message": "faux", "contact_email": "moi@example.org"})
    assert response.status_code == 200
    assert 'aria-describedby="id_message_helptext id_message_error"' in response.text
    assert 'value="moi@example.org"' in response.text
    assert CorrectionRequest.objects.count() == 0


def test_correction_for_an_unpublished_organisation_is_404(visitor):
    hidden = OrganisationFactory(is_published=False)
    assert visitor.get(correction_url(hidden)).status_code == 404


def test_correction_honeypot_and_rate_limit(visitor, organisation):
    data = {"message": "Le site web a changé d'adresse.", "site_web_confirmation": "x"}
    assert visitor.post(correction_url(organisation), data).status_code == 200
    assert CorrectionRequest.objects.count() == 0
    for _ in range(4):
        visitor.post(correction_url(organisation), data)
    assert visitor.post(correction_url(organisation), data).status_code == 429


def test_line_breaks_in_a_name_do_not_break_the_staff_email(visitor, application_data):
    application_data["organisation_name"] = "Ressourcerie\r\nBcc: victime@example.org"
    assert visitor.post(apply_url(), application_data).status_code == 302
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "\n" not in message.subject
        assert message.bcc == []
