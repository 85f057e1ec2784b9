"""Placing organisations from their address with the Base Adresse Nationale (BAN) API.

The API (settings.BAN_API_URL) allows 50 requests per second per IP; a process-wide limiter keeps
us under settings.BAN_MAX_REQUESTS_PER_SECOND. Short timeouts and a dedicated exception make an
unreachable service a message for staff, never a blocked save or a 500. Written with urllib from
the standard library: one GET and a JSON answer need no HTTP client dependency.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings

from territories.models import Commune

DEFAULT_BAN_API_URL = "https://api-adresse.data.gouv.fr/search/"


class GeocodingUnavailable(Exception):
    """The geocoding service could not be reached or gave an unreadable answer."""


@dataclass(frozen=True)
class GeocodedAddress:
    latitude: float
    longitude: float
    insee_code: str
    label: str
    score: float


class RateLimiter:
    """Spaces calls at least 1/rate seconds apart, across threads of this process."""

    def __init__(self, per_second):
        self.interval = 1.0 / per_second
        self._lock = threading.Lock()
        self._next_slot = 0.0

    def wait(self):
        with self._lock:
            now = time.monotonic()
            delay = self._next_slot - now
            self._next_slot = max(now, self._next_slot) + self.interval
        if delay > 0:
            time.sleep(delay)


_limiter = None
_limiter_lock = threading.Lock()


def _get_limiter():
    global _limiter
    rate = getattr(settings, "BAN_MAX_REQUESTS_PER_SECOND", 50)
    with _limiter_lock:
        if _limiter is None or abs(_limiter.interval - 1.0 / rate) > 1e-9:
            _limiter = RateLimiter(rate)
        return _limiter


def geocode_address(address, postal_code="", city=""):
    """Ask the BAN for the best match of an address; None when nothing is confident enough.

    Raises GeocodingUnavailable when the service cannot be reached, times out or answers garbage.
    """
    query = " ".join(part.strip() for part in (address, postal_code, city) if part and part.strip())
    if len(query) < 3:
        return None
    params = {"q": query[:200], "limit": "1"}
    if postal_code and len(postal_code) == 5 and postal_code.isdigit():
        params["postcode"] = postal_code
    url = f"{getattr(settings, 'BAN_API_URL', DEFAULT_BAN_API_URL)}?{urlencode(params)}"
    request = Request(url, headers={"Accept": "application/json", "User-Agent": "apes-portal (geocoding)"})

    _get_limiter().wait()
    try:
        with urlopen(request, timeout=getattr(settings, "BAN_TIMEOUT_SECONDS", 3)) as response:  # noqa: S310 (URL from settings)
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
    if result.score < getattr(settings, "BAN_MIN_SCORE", 0.5):
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
    organisation.latitude = result.latitude
    organisation.longitude = result.longitude
    organisation.location_is_approximate = False
    update_fields = ["latitude", "longitude", "location_is_approximate", "updated_at"]
    if result.insee_code and (organisation.commune is None or organisation.commune.insee_code != result.insee_code):
        commune = Commune.objects.filter(insee_code=result.insee_code).first()
        if commune is not None:
            organisation.commune = commune
            update_fields.append("commune")
    organisation._change_reason = "Géocodage (Base Adresse Nationale)"
    organisation.save(update_fields=update_fields)
    return result


@dataclass
class GeocodingReport:
    located: list = field(default_factory=list)
    not_found: list = field(default_factory=list)
    without_address: list = field(default_factory=list)
    error: str = ""


def geocode_organisations(organisations):
    """Geocode many organisations; stop at the first sign that the service is down (no long wait per row)."""
    report = GeocodingReport()
    for organisation in organisations:
        if not organisation.address:
            report.without_address.append(organisation)
            continue
        try:
            result = geocode_organisation(organisation)
        except GeocodingUnavailable as exc:
            report.error = str(exc)
            break
        (report.located if result else report.not_found).append(organisation)
    return report
