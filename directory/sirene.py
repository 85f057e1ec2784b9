"""Checking organisations against SIRENE through the public API Recherche d'entreprises.

For each organisation with a SIREN or a SIRET, one search (`q=<SIRET or SIREN>`) gives the legal unit, its
administrative state, its `est_ess` / `est_siae` flags and, for a SIRET, the matching establishment. What
it says is recorded on the organisation (`sirene_*` fields, the date of the check) and what staff should
look at becomes a `CheckFinding` with the evidence: a closed unit or establishment, a SIRET or SIREN the
registry does not know, an establishment whose postal code or commune differs. The record itself is never
changed by the check.

The API allows 7 requests per second: a process-wide limiter spaces them; a 429 is retried after its
Retry-After (capped), a timeout or a 5xx is retried a few times, then the organisation is reported as not
checked and left as it was (the next run tries again). Written with urllib like the geocoder: one GET and
a JSON answer need no HTTP client dependency.
"""

import datetime
import json
import time
from dataclasses import dataclass, field
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.data import bump_data_version
from core.throttle import limiter
from directory.models import CheckFinding, Organisation, SireneState

DEFAULT_API_URL = "https://recherche-entreprises.api.gouv.fr/search"
USER_AGENT = "apes-portal (sirene-check)"
MAX_RETRY_AFTER_SECONDS = 10


class SireneUnavailable(Exception):
    """The registry could not be reached, kept refusing, or gave an unreadable answer."""


def _setting(name, default):
    return getattr(settings, f"SIRENE_{name}", default)


def _limiter():
    return limiter("sirene", _setting("MAX_REQUESTS_PER_SECOND", 7))


def search(number):
    """The API's answer (a dict) to `q=number`. Raises SireneUnavailable after the retries."""
    url = f"{_setting('API_URL', DEFAULT_API_URL)}?{urlencode({'q': number, 'page': 1, 'per_page': 1})}"
    request = Request(url, headers={"Accept": "application/json", "User-Agent": USER_AGENT})
    attempts = max(1, _setting("RETRIES", 3) + 1)
    last_error = ""
    for _attempt in range(attempts):
        _limiter().wait()
        try:
            with urlopen(request, timeout=_setting("TIMEOUT_SECONDS", 5)) as response:  # noqa: S310 (URL from settings)
                return json.load(response)
        except HTTPError as exc:
            last_error = f"HTTP {exc.code}"
            if exc.code == 429:
                time.sleep(_retry_after(exc.headers.get("Retry-After")))
            elif exc.code < 500:
                raise SireneUnavailable(last_error) from exc
        except (URLError, OSError, ValueError) as exc:  # timeouts, refused connections, unreadable JSON
            last_error = str(exc)
    raise SireneUnavailable(last_error)


def _retry_after(value):
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER_SECONDS)
    except (TypeError, ValueError):
        return 1.0


def _date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


@dataclass
class Finding:
    kind: str
    summary: str
    evidence: dict


@dataclass
class Verdict:
    """What the registry says about one organisation."""

    fields: dict
    findings: list = field(default_factory=list)


def assess(organisation, answer):
    """The Verdict of one API answer for one organisation (pure: no database, no network)."""
    siren = organisation.siren or organisation.siret[:9]
    unit = next((result for result in answer.get("results") or [] if result.get("siren") == siren), None)
    checked = {"sirene_checked_at": timezone.now()}
    if unit is None:
        number = organisation.siret or organisation.siren
        kind = CheckFinding.Kind.UNKNOWN_SIRET if organisation.siret else CheckFinding.Kind.UNKNOWN_SIREN
        label = "SIRET" if organisation.siret else "SIREN"
        return Verdict(checked, [Finding(kind, f"{label} {number} inconnu du répertoire SIRENE.", {"numero": number})])
    complements = unit.get("complements") or {}
    closed = unit.get("etat_administratif") == "C"
    fields = {
        **checked,
        "sirene_is_ess": bool(complements.get("est_ess")),
        "sirene_is_siae": bool(complements.get("est_siae")),
        "sirene_state": SireneState.CLOSED if closed else SireneState.ACTIVE,
        "sirene_state_since": _date(unit.get("date_fermeture") if closed else unit.get("date_creation")),
    }
    verdict = Verdict(fields)
    name = unit.get("nom_complet") or ""
    if closed and organisation.status == Organisation.Status.ACTIVE:
        verdict.findings.append(
            Finding(
                CheckFinding.Kind.UNIT_CLOSED,
                f"SIRENE indique l'unité légale {siren} fermée depuis le {unit.get('date_fermeture') or '?'}.",
                {"siren": siren, "nom_sirene": name, "date_fermeture": unit.get("date_fermeture")},
            )
        )
    if organisation.siret:
        verdict.findings.extend(_establishment_findings(organisation, unit))
    return verdict


def _establishment_findings(organisation, unit):
    establishments = [unit.get("siege") or {}, *(unit.get("matching_etablissements") or [])]
    establishment = next((e for e in establishments if e.get("siret") == organisation.siret), None)
    if establishment is None:
        return [
            Finding(
                CheckFinding.Kind.UNKNOWN_SIRET,
                f"SIRET {organisation.siret} introuvable dans l'unité légale {unit.get('siren')}.",
                {"siret": organisation.siret, "siren": unit.get("siren")},
            )
        ]
    evidence = {
        "siret": organisation.siret,
        "adresse_sirene": establishment.get("adresse", ""),
        "code_postal_sirene": establishment.get("code_postal", ""),
        "commune_sirene": establishment.get("commune", ""),
    }
    findings = []
    if establishment.get("etat_administratif") == "F" and organisation.status == Organisation.Status.ACTIVE:
        findings.append(
            Finding(
                CheckFinding.Kind.ESTABLISHMENT_CLOSED,
                f"SIRENE indique l'établissement {organisation.siret} fermé "
                f"depuis le {establishment.get('date_fermeture') or '?'}.",
                {**evidence, "date_fermeture": establishment.get("date_fermeture")},
            )
        )
    commune = organisation.commune.insee_code if organisation.commune_id else ""
    postal_differs = organisation.postal_code and establishment.get("code_postal") not in (
        "",
        None,
        organisation.postal_code,
    )
    commune_differs = commune and establishment.get("commune") not in ("", None, commune)
    if postal_differs or commune_differs:
        findings.append(
            Finding(
                CheckFinding.Kind.MOVED,
                f"SIRENE place l'établissement à « {establishment.get('adresse', '')} », "
                "ailleurs que l'adresse de la fiche.",
                {**evidence, "code_postal_fiche": organisation.postal_code, "commune_fiche": commune},
            )
        )
    return findings


@dataclass
class CheckReport:
    checked: int = 0
    findings: int = 0
    ess: int = 0
    failed: list = field(default_factory=list)  # (organisation, reason): not checked, left as they were


def check_organisations(organisations, *, log=lambda message: None):
    """Check each organisation; record the verdicts and file the findings. Never raises for the service."""
    report = CheckReport()
    changed = False
    for organisation in organisations:
        number = organisation.siret or organisation.siren
        try:
            answer = search(number)
            verdict = assess(organisation, answer)
        except (SireneUnavailable, AttributeError, TypeError) as exc:
            report.failed.append((organisation, str(exc)))
            log(f"{organisation.name} ({number}) : non vérifiée ({exc}).")
            continue
        with transaction.atomic():
            # A queryset update: the check is no edit of the record (no history entry, no new updated_at).
            Organisation.objects.filter(pk=organisation.pk).update(**verdict.fields)
            for finding in verdict.findings:
                CheckFinding.file(organisation, finding.kind, finding.summary, finding.evidence)
        changed = True
        report.checked += 1
        report.findings += len(verdict.findings)
        report.ess += bool(verdict.fields.get("sirene_is_ess"))
        for finding in verdict.findings:
            log(f"{organisation.name} ({number}) : {finding.summary}")
    if changed:
        bump_data_version("directory")  # the pages show the "ESS (SIRENE)" badge
    return report


def organisations_to_check():
    return Organisation.objects.exclude(siren="", siret="").select_related("commune").order_by("pk")
