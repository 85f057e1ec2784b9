"""Open data: the data version that keys caches and validators, and the one way to answer a data endpoint.

A *data version* is a token per family of data ("directory", …), replaced on every change that the
family's pages or endpoints show (the directory bumps it from signals in directory/models.py). Caches
and ETags are keyed on it, so a change is visible at once and an unchanged answer costs no query.
The token lives in the Django cache: with `REDIS_URL` set every app server sees the same one; with the
default local-memory cache each process keeps its own, which is only right for a single process
(`runserver`, tests) — production runs several, hence Redis there (see the README).

`cached_data_response()` serves every GeoJSON, CSV and JSON endpoint: conditional GET through Django's
`condition` (304 on a matching If-None-Match / If-Modified-Since), the body gzipped when the client
accepts it (cached bodies are compressed once and served many times), `Vary: Accept-Encoding`,
`Cache-Control` and, for public open data, `Access-Control-Allow-Origin: *`.
"""

import datetime
import gzip
import hashlib
import uuid
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.middleware.gzip import re_accepts_gzip
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.text import compress_sequence
from django.views.decorators.http import condition

# Rendered payloads live this long even without changes, so a cache never grows stale forever
# if a change slips past the signals (a raw SQL update, say).
PAYLOAD_TIMEOUT = 60 * 60

LICENCE = "Licence Ouverte 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
ATTRIBUTION = "Apes Hauts-de-France"


def data_version(family="directory"):
    """The family's current data version: {"token": str, "modified": POSIX seconds}, created on first use."""
    key = f"{family}:data-version"
    version = cache.get(key)
    if version is None:
        cache.add(key, _new_version(), timeout=None)
        version = cache.get(key) or _new_version()
    return version


def bump_data_version(family="directory"):
    cache.set(f"{family}:data-version", _new_version(), timeout=None)


def _new_version():
    return {"token": uuid.uuid4().hex, "modified": int(timezone.now().timestamp())}


def normalised_query(querydict, ignore=()):
    """The query string in a canonical form (sorted keys and values, empty values dropped)."""
    items = sorted(
        (key, value) for key in querydict for value in querydict.getlist(key) if value != "" and key not in ignore
    )
    return urlencode(items)


def cache_key(kind, query, *, family="directory", token=None):
    """A cache key for `kind` rendered for `query`, under the family's current data version (or `token`)."""
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    return f"{family}:data:{kind}:{token or data_version(family)['token']}:{digest}"


def _etag(*parts):
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]
    # Weak: the same entity is sent gzipped or not.
    return f'W/"{digest}"'


def cached_data_response(
    request,
    *,
    kind,
    build,
    content_type,
    family=None,
    token=None,
    query="",
    stream=False,
    cors=True,
    filename=None,
    max_age=60,
):
    """The response of a data endpoint; `build()` returns the body (bytes, or an iterable of str with `stream`).

    What the validators derive from, cheapest first:
    * `family`: its data version and `query` — a 304 or a cache hit costs no query at all;
    * `token`: a fingerprint the caller computed (say, two aggregates), with `query`;
    * neither: the body itself, built on every request (for data no version follows).
    Versioned bodies are cached (and their gzip form with them) unless `stream` is set. `build()` may
    return an HttpResponse instead (a 400 for a malformed filter): it is sent as is, never cached.
    """
    last_modified = None
    if family is not None:
        version = data_version(family)
        token = version["token"]
        last_modified = datetime.datetime.fromtimestamp(version["modified"], tz=datetime.UTC)
    built = None
    if token is None:
        built = build()
        if isinstance(built, HttpResponseBase):
            return built
        etag = _etag(kind, hashlib.sha256(built).hexdigest())
    else:
        etag = _etag(kind, token, query)

    def render(request):
        if stream:
            return _streaming_response(request, build(), content_type)
        if built is not None:
            rendered = _payload(built)
        else:
            key = cache_key(kind, query, family=family or "data", token=token)
            rendered = cache.get(key)
            if rendered is None:
                body = build()
                if isinstance(body, HttpResponseBase):
                    return body
                rendered = _payload(body)
                cache.set(key, rendered, PAYLOAD_TIMEOUT)
        return _response(request, rendered, content_type)

    response = condition(etag_func=lambda request: etag, last_modified_func=lambda request: last_modified)(render)(
        request
    )
    if response.status_code >= 400:
        # An error is no version of the data: nothing for a client to revalidate.
        del response["ETag"]
        del response["Last-Modified"]
        return response
    patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, ["Accept-Encoding"])
    if cors:
        # Open data: any site may read it from a browser (no cookies are involved).
        response["Access-Control-Allow-Origin"] = "*"
    if filename and response.status_code == 200:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _accepts_gzip(request):
    return bool(re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")))


def _payload(body):
    """A cacheable rendering: the body and its gzip form (compressed once, served many times)."""
    return {"body": body, "gzip": gzip.compress(body, compresslevel=6, mtime=0)}


def _response(request, rendered, content_type):
    if _accepts_gzip(request):
        response = HttpResponse(rendered["gzip"], content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(rendered["body"], content_type=content_type)
    return response


def _streaming_response(request, chunks, content_type):
    if isinstance(chunks, HttpResponseBase):
        return chunks
    if _accepts_gzip(request):
        response = StreamingHttpResponse(
            compress_sequence(chunk.encode() for chunk in chunks), content_type=content_type
        )
        response["Content-Encoding"] = "gzip"
        return response
    return StreamingHttpResponse(chunks, content_type=content_type)
