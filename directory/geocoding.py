"""Placing organisations from their address with the IGN's Géoplateforme geocoder (addresses of the BAN).

One address: `GEOCODER_API_URL` (default https://data.geopf.fr/geocodage/search), 50 requests per second
per IP; a process-wide limiter keeps us under `GEOCODER_MAX_REQUESTS_PER_SECOND`. Many addresses (an admin
selection, the rows of an import): `geocode_batch`, one POST of a CSV file to `<GEOCODER_API_URL>/csv` per
`GEOCODER_CSV_MAX_ROWS` rows. The score of each point is kept; a point placed with a score under
`GEOCODER_REVIEW_SCORE` becomes a finding in the staff queue. Short timeouts and a dedicated exception
make an unreachable service a message for staff, never a blocked save or a 500.

Written with urllib from the standard library: a GET, one multipart POST and a JSON or CSV answer need
no HTTP client dependency.
"""

import csv
import io
import json
import uuid
from dataclasses import dataclass, field
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings
from django.db import transaction

from core.data import bumps_collected
from core.throttle import limiter
from directory.models import CheckFinding
from territories.models import Commune

DEFAULT_API_URL = "https://data.geopf.fr/geocodage/search"
SERVICE_NAME = "géocodeur de l'IGN (Géoplateforme)"
USER_AGENT = "apes-portal (geocoding)"


def _setting(name, default):
    return getattr(settings, f"GEOCODER_{name}", default)


class GeocodingUnavailable(Exception):
    """The geocoding service could not be reached or gave an unreadable answer."""


@dataclass(frozen=True)
class GeocodedAddress:
    latitude: float
    longitude: float
    insee_code: str
    label: str
    score: float


def _limiter():
    return limiter("geocoder", _setting("MAX_REQUESTS_PER_SECOND", 50))


def geocode_address(address, postal_code="", city=""):
    """Ask the geocoder for the best match of an address; None when nothing is confident enough.

    Raises GeocodingUnavailable when the service cannot be reached, times out or answers garbage.
    """
    query = " ".join(part.strip() for part in (address, postal_code, city) if part and part.strip())
    if len(query) < 3:
        return None
    params = {"q": query[:200], "limit": "1"}
    if postal_code and len(postal_code) == 5 and postal_code.isdigit():
        params["postcode"] = postal_code
    url = f"{_setting('API_URL', DEFAULT_API_URL)}?{urlencode(params)}"
    request = Request(url, headers={"Accept": "application/json", "User-Agent": USER_AGENT})

    _limiter().wait()
    try:
        with urlopen(request, timeout=_setting("TIMEOUT_SECONDS", 3)) as response:  # noqa: S310 (URL from settings)
            payload = json.load(response)
    except (URLError, OSError, ValueError) as exc:  # URLError covers HTTP errors; OSError timeouts and resets
        raise GeocodingUnavailable(str(exc)) from exc

    try:
        feature = (payload.get("features") or [None])[0]
        if feature is None:
            return None
        properties = feature["properties"]
        longitude, latitude = feature["geometry"]["coordinates"][:2]
        result = GeocodedAddress(
            latitude=float(latitude),
            longitude=float(longitude),
            insee_code=str(properties.get("citycode", "")),
            label=str(properties.get("label", "")),
            score=float(properties.get("score", 0)),
        )
    except (AttributeError, KeyError, IndexError, TypeError, ValueError) as exc:
        raise GeocodingUnavailable(f"Réponse inattendue du service : {exc}") from exc
    if result.score < _setting("MIN_SCORE", 0.5):
        return None
    if not (-90 <= result.latitude <= 90 and -180 <= result.longitude <= 180):
        return None
    return result


def geocode_organisation(organisation):
    """Place one organisation at its address; return the GeocodedAddress, or None if the address was not found.

    Stores the coordinates, marks the position as exact, and sets the commune from the INSEE code
    returned (when that commune is in our geography). Raises GeocodingUnavailable.
    """
    if not organisation.address:
        return None
    city = organisation.commune.name if organisation.commune_id else ""
    result = geocode_address(organisation.address, organisation.postal_code, city)
    if result is None:
        return None
    _place(organisation, result)
    return result


def _place(organisation, result, communes=None):
    """Store a geocoded point (and the commune of its INSEE code, when we know it) with its score.

    `communes`: the communes of a batch by INSEE code, looked up once for the batch; without it the
    commune is looked up here (one address).
    """
    organisation.latitude = result.latitude
    organisation.longitude = result.longitude
    organisation.location_is_approximate = False
    organisation.geocoding_score = result.score
    update_fields = ["latitude", "longitude", "location_is_approximate", "geocoding_score", "updated_at"]
    if result.insee_code and (organisation.commune is None or organisation.commune.insee_code != result.insee_code):
        if communes is None:
            commune = Commune.objects.filter(insee_code=result.insee_code).first()
        else:
            commune = communes.get(result.insee_code)
        if commune is not None:
            organisation.commune = commune
            update_fields.append("commune")
    organisation._change_reason = "Géocodage (Géoplateforme de l'IGN)"
    organisation.save(update_fields=update_fields)
    if result.score < _setting("REVIEW_SCORE", 0.7):
        CheckFinding.file(
            organisation,
            CheckFinding.Kind.LOW_GEOCODING_SCORE,
            f"Point placé avec un score de {result.score:.2f} : à vérifier sur la carte.",
            {"adresse_envoyee": organisation.address, "adresse_trouvee": result.label, "score": result.score},
        )


@dataclass
class GeocodingReport:
    located: list = field(default_factory=list)
    to_review: list = field(default_factory=list)
    not_found: list = field(default_factory=list)
    without_address: list = field(default_factory=list)
    not_done: list = field(default_factory=list)
    requests: int = 0
    error: str = ""


def geocode_organisations(organisations):
    """Geocode a selection or the rows of an import through the CSV endpoint; return a GeocodingReport.

    One request per `GEOCODER_CSV_MAX_ROWS` organisations. When the service fails (timeout, 429, 5xx,
    unreadable answer) the remaining organisations are left as they were and listed in `not_done`.
    """
    report = GeocodingReport()
    pending = []
    for organisation in organisations:
        (pending if organisation.address else report.without_address).append(organisation)
    size = max(1, _setting("CSV_MAX_ROWS", 5000))
    for start in range(0, len(pending), size):
        chunk = pending[start : start + size]
        try:
            rows = _post_csv(chunk)
        except GeocodingUnavailable as exc:
            report.error = str(exc)
            report.not_done.extend(pending[start:])
            break
        report.requests += 1
        by_id = {str(organisation.pk): organisation for organisation in chunk}
        results = [(by_id.pop(row.get("id", ""), None), _row_result(row)) for row in rows]
        codes = {result.insee_code for _organisation, result in results if result and result.insee_code}
        communes = Commune.objects.in_bulk(codes, field_name="insee_code") if codes else {}
        # A chunk's points are stored together, with one data-version bump (not two per saved row).
        with transaction.atomic(), bumps_collected():
            for organisation, result in results:
                if organisation is None:
                    continue
                if result is None:
                    report.not_found.append(organisation)
                    continue
                _place(organisation, result, communes)
                report.located.append(organisation)
                if result.score < _setting("REVIEW_SCORE", 0.7):
                    report.to_review.append(organisation)
        report.not_found.extend(by_id.values())  # rows the service did not send back
    return report


def _post_csv(organisations):
    """POST the addresses as a CSV file; return the answer's rows as dicts. Raises GeocodingUnavailable."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "adresse", "code_postal", "commune"])
    for organisation in organisations:
        city = organisation.commune.name if organisation.commune_id else ""
        writer.writerow([organisation.pk, organisation.address[:200], organisation.postal_code, city])
    fields = [("columns", "adresse"), ("columns", "code_postal"), ("columns", "commune"), ("postcode", "code_postal")]
    body, content_type = _multipart(fields, "data", "adresses.csv", buffer.getvalue().encode())
    request = Request(
        f"{_setting('API_URL', DEFAULT_API_URL).rstrip('/')}/csv",
        data=body,
        method="POST",
        headers={"Content-Type": content_type, "Accept": "text/csv", "User-Agent": USER_AGENT},
    )
    _limiter().wait()
    try:
        with urlopen(request, timeout=_setting("CSV_TIMEOUT_SECONDS", 60)) as response:  # noqa: S310 (URL from settings)
            text = response.read().decode("utf-8-sig")
    except (URLError, OSError, ValueError) as exc:  # HTTP 429/5xx are URLErrors (HTTPError)
        raise GeocodingUnavailable(str(exc)) from exc
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "id" not in reader.fieldnames:
        raise GeocodingUnavailable("Réponse inattendue du service : pas de colonne id.")
    return list(reader)


def _multipart(fields, file_field, filename, content):
    """A multipart/form-data body (urllib has no encoder; one small form does not justify a dependency)."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _row_result(row):
    """A GeocodedAddress from one answered row, or None when not found or too uncertain."""
    if row.get("result_status", "ok") != "ok":
        return None
    try:
        result = GeocodedAddress(
            latitude=float(row.get("latitude") or row.get("result_latitude")),
            longitude=float(row.get("longitude") or row.get("result_longitude")),
            insee_code=row.get("result_citycode", ""),
            label=row.get("result_label", ""),
            score=float(row.get("result_score")),
        )
    except (TypeError, ValueError):
        return None
    if result.score < _setting("MIN_SCORE", 0.5):
        return None
    if not (-90 <= result.latitude <= 90 and -180 <= result.longitude <= 180):
        return None
    return result
