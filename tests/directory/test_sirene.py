"""`manage.py check_sirene` against a local stub of the API Recherche d'entreprises (never the real service).

The stub serves answers shaped like the API's (`results[]` with `siren`, `nom_complet`, `etat_administratif`,
`date_creation`, `date_fermeture`, `complements.est_ess` / `est_siae`, `siege`, `matching_etablissements`).
"""

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import call_command
from django.urls import reverse

from core import throttle
from directory.models import CheckFinding, Organisation
from tests.factories import CommuneFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def unit(siren, *, state="A", closed_on=None, ess=True, siae=False, establishments=()):
    return {
        "siren": siren,
        "nom_complet": "STRUCTURE D'ESSAI",
        "etat_administratif": state,
        "date_creation": "2009-05-04",
        "date_fermeture": closed_on,
        "complements": {"est_ess": ess, "est_siae": siae, "est_association": True},
        "siege": {
            "siret": f"{siren}00011",
            "etat_administratif": "A",
            "adresse": "235 BOULEVARD PAUL PAINLEVE 59000 LILLE",
            "code_postal": "59000",
            "commune": "59350",
        },
        "matching_etablissements": list(establishments),
    }


def establishment(siret, *, state="A", postal_code="59300", commune="59606", closed_on=None):
    return {
        "siret": siret,
        "etat_administratif": state,
        "date_fermeture": closed_on,
        "adresse": f"12 RUE DES ATELIERS {postal_code}",
        "code_postal": postal_code,
        "commune": commune,
    }


def answer(*results):
    return {"results": list(results), "total_results": len(results), "page": 1, "per_page": 1, "total_pages": 1}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        query = parse_qs(urlparse(self.path).query)
        number = query["q"][0]
        self.server.requests.append(query)
        statuses = self.server.statuses.get(number, [])
        status = statuses.pop(0) if statuses else 200
        payload = json.dumps(self.server.answers.get(number, answer())).encode() if status == 200 else b"{}"
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if status == 429:
            self.send_header("Retry-After", "0")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def registry(settings):
    """The stub registry: `.answers[q]` is the answer, `.statuses[q]` the HTTP statuses to send first."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.requests, server.answers, server.statuses = [], {}, {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SIRENE_API_URL = f"http://127.0.0.1:{server.server_address[1]}/search"
    settings.SIRENE_TIMEOUT_SECONDS = 2
    settings.SIRENE_RETRIES = 2
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def valenciennes(db):
    return CommuneFactory(insee_code="59606", name="Valenciennes", slug="valenciennes")


def run():
    out, err = io.StringIO(), io.StringIO()
    call_command("check_sirene", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_known_ess_unit_is_recorded_and_badged_without_editing_the_record(visitor, registry, valenciennes):
    organisation = OrganisationFactory(
        name="Chantier-école", siren="423456789", siret="42345678900027", postal_code="59300", commune=valenciennes
    )
    registry.answers["42345678900027"] = answer(unit("423456789", establishments=[establishment("42345678900027")]))
    history_before = organisation.history.count()
    updated_before = organisation.updated_at

    out, err = run()

    assert "1 organisation(s) vérifiée(s), dont 1 ESS selon SIRENE ; 0 constat(s)" in out
    assert err == ""
    organisation.refresh_from_db()
    assert (organisation.sirene_is_ess, organisation.sirene_is_siae) == (True, False)
    assert organisation.sirene_state == "active"
    assert organisation.sirene_state_since.isoformat() == "2009-05-04"
    assert organisation.sirene_checked_at is not None
    assert organisation.updated_at == updated_before  # a check is no edit
    assert organisation.history.count() == history_before
    assert not CheckFinding.objects.exists()
    page = visitor.get(reverse("directory:organisation-detail", args=[organisation.slug])).content.decode()
    assert "ESS (SIRENE)</span>" in page


def test_closed_moved_and_unknown_become_findings_with_evidence(registry, valenciennes):
    closed = OrganisationFactory(name="La boîte Atout", siren="512345675")
    moved = OrganisationFactory(
        name="Atelier déménagé", siret="42345678900027", postal_code="59300", commune=valenciennes
    )
    ghost = OrganisationFactory(name="Fantôme", siret="99999999900011")
    registry.answers["512345675"] = answer(unit("512345675", state="C", closed_on="2021-06-30", ess=False))
    registry.answers["42345678900027"] = answer(
        unit("423456789", establishments=[establishment("42345678900027", postal_code="62300", commune="62498")])
    )
    before = {o["id"]: o for o in Organisation.objects.values("id", "name", "status", "address", "postal_code")}

    out, _ = run()

    assert "3 constat(s) pour l'équipe" in out
    findings = {finding.organisation.name: finding for finding in CheckFinding.objects.select_related("organisation")}
    assert findings["La boîte Atout"].kind == CheckFinding.Kind.UNIT_CLOSED
    assert findings["La boîte Atout"].evidence["date_fermeture"] == "2021-06-30"
    assert findings["Atelier déménagé"].kind == CheckFinding.Kind.MOVED
    assert findings["Atelier déménagé"].evidence["code_postal_sirene"] == "62300"
    assert findings["Fantôme"].kind == CheckFinding.Kind.UNKNOWN_SIRET
    assert {o["id"]: o for o in Organisation.objects.values("id", "name", "status", "address", "postal_code")} == before
    closed.refresh_from_db()
    assert (closed.sirene_state, closed.sirene_state_since.isoformat()) == ("closed", "2021-06-30")
    assert {moved.pk, ghost.pk} <= set(
        Organisation.objects.filter(sirene_checked_at__isnull=False).values_list("pk", flat=True)
    )


def test_a_second_run_refreshes_the_open_finding_instead_of_piling_up(registry):
    OrganisationFactory(name="La boîte Atout", siren="512345675")
    registry.answers["512345675"] = answer(unit("512345675", state="C", closed_on="2021-06-30"))
    run()
    run()
    assert CheckFinding.objects.count() == 1


def test_429_is_retried_after_its_delay(registry):
    organisation = OrganisationFactory(siren="423456789")
    registry.answers["423456789"] = answer(unit("423456789"))
    registry.statuses["423456789"] = [429, 429]
    out, err = run()
    assert len(registry.requests) == 3
    assert "1 organisation(s) vérifiée(s)" in out and err == ""
    organisation.refresh_from_db()
    assert organisation.sirene_is_ess is True


def test_a_failing_registry_is_reported_and_the_run_goes_on(registry):
    down = OrganisationFactory(name="Injoignable", siren="512345675")
    fine = OrganisationFactory(name="Joignable", siren="423456789")
    registry.answers["423456789"] = answer(unit("423456789"))
    registry.statuses["512345675"] = [503, 503, 503]
    out, err = run()
    assert "1 organisation(s) vérifiée(s)" in out
    assert "1 organisation(s) non vérifiée(s), laissée(s) telle(s) quelle(s), à réessayer" in err
    assert "Injoignable" in err
    down.refresh_from_db()
    fine.refresh_from_db()
    assert down.sirene_checked_at is None and fine.sirene_checked_at is not None


def test_organisations_without_numbers_are_not_queried(registry):
    OrganisationFactory(siren="", siret="")
    out, _ = run()
    assert registry.requests == []
    assert "0 organisation(s) vérifiée(s)" in out


def test_every_request_and_retry_waits_for_the_seven_per_second_limiter(registry, monkeypatch, settings):
    settings.SIRENE_MAX_REQUESTS_PER_SECOND = 7
    waits = []
    limiter = throttle.limiter("sirene", 7)
    monkeypatch.setattr(limiter, "wait", lambda: waits.append(limiter.interval))
    for siren in ("423456789", "512345675"):
        OrganisationFactory(siren=siren)
        registry.answers[siren] = answer(unit(siren))
    registry.statuses["512345675"] = [429]
    run()
    assert waits == pytest.approx([1 / 7] * 3)


def test_staff_review_a_finding_from_the_admin(administrator_client, registry):
    OrganisationFactory(name="La boîte Atout", siren="512345675")
    registry.answers["512345675"] = answer(unit("512345675", state="C", closed_on="2021-06-30"))
    run()
    finding = CheckFinding.objects.get()
    page = administrator_client.get(reverse("admin:directory_checkfinding_change", args=[finding.pk])).content.decode()
    assert "2021-06-30" in page
    response = administrator_client.post(
        reverse("admin:directory_checkfinding_changelist"),
        {"action": "approve_selected", "_selected_action": [finding.pk]},
        follow=True,
    )
    assert "1 constat(s) traité(s)." in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == "accepted"
