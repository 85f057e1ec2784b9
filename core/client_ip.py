"""The client's IP address, the same for rate limits (django-ratelimit) and lockouts (django-axes).

REMOTE_ADDR by default: X-Forwarded-For is written by the client and can be forged, so trusting
it blindly would let an attacker dodge every per-IP limit. Behind reverse proxies that append the
address they saw, `TRUSTED_PROXY_COUNT` says how many there are; the address that many hops from
the right of X-Forwarded-For is the one the outermost trusted proxy received.
"""

import ipaddress

from django.conf import settings

# When the app server listens on a Unix socket, REMOTE_ADDR is empty: every client shares one
# bucket (still limited) instead of django-ratelimit raising ImproperlyConfigured (a 500).
UNKNOWN_CLIENT = "0.0.0.0"


def _valid(address):
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request):
    """Return a syntactically valid IP address for the request, never raise."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = _valid(hops[-proxies])
            if address:
                return address
    return _valid(request.META.get("REMOTE_ADDR") or "") or UNKNOWN_CLIENT
