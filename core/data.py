"""Open data: the data versions that key caches and validators, and the one way to answer a data endpoint.

A *data version* says which state of the public data a page shows. Each app's tables are one *source*
with a row in `core.models.DataVersion` (token + modification time), replaced by `bump_data_version()`
in the transaction of the write it follows: signals (wired by `follow_changes()` in each app's
`AppConfig.ready()`) cover saves, deletes and M2M changes; code that bypasses signals (bulk_create,
QuerySet.update(), the demo seed, the geography loader) calls `bump_data_version()` itself, with names
from `SOURCES`. Code that saves many rows at once (an import, a merge, a bulk admin action) runs inside
`bumps_collected()`: one bump per source when the block ends, not one per saved row. A *family* is what
one kind of page depends on (`FAMILIES`: the directory shows themes and communes, so it follows the
territories too); its version combines its sources' rows, and a page describing several families (the
open-data catalogue) combines theirs.

The rows live in the database, so every worker, every server and every management command read the same
state whatever cache is configured. A process keeps its copy for `DATA_VERSION_MAX_AGE` seconds at most
(one query per process and period, not per request): that bounds how long a change can stay unseen.
Caches and ETags are keyed on the version, so a stale entry is never read again — it just expires.

`cached_data_response()` serves every GeoJSON, CSV and JSON endpoint: conditional GET through Django's
`condition` (304 on a matching If-None-Match / If-Modified-Since), the body gzipped when the client
accepts it (cached bodies are compressed once and served many times), `Vary: Accept-Encoding`,
`Cache-Control` and, for public open data, `Access-Control-Allow-Origin: *`. Views that render their
own response (the Atom feeds, built by `django.contrib.syndication`) get the same validators from the
`versioned(family)` decorator.
"""

import datetime
import gzip
import hashlib
import logging
import time
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache, caches
from django.db import DatabaseError, models, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.middleware.gzip import re_accepts_gzip
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.text import compress_sequence
from django.views.decorators.http import condition

from core.models import DataVersion

logger = logging.getLogger(__name__)

# Rendered payloads live this long even without changes, so a cache never grows stale forever
# if a change slips past the signals (a raw SQL update, say).
PAYLOAD_TIMEOUT = 60 * 60
# The per-process copy of a cached entry (see `cached`): short, so memory follows what is asked for now.
LOCAL_TIMEOUT = 5 * 60

LICENCE = "Licence Ouverte 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
ATTRIBUTION = "Apes Hauts-de-France"

# Family -> the sources (apps) whose changes it shows. Any other name is a family of one source.
FAMILIES = {
    # Organisations and their taxonomy: sectors (directory), themes and communes (territories).
    "directory": ("directory", "territories"),
    # Territories, dynamics, partnerships; dynamics and partnerships name organisations.
    "territories": ("territories", "directory"),
    # Publications and their feed name their themes (territories).
    "publications": ("publications", "territories"),
    # Proposals cite publications; commitments sit on communes and EPCI.
    "proposals": ("proposals", "territories", "publications"),
    # The site's own content (apes_portal): the home page's key figures.
    "site": ("site",),
}

# Every source: the names `bump_data_version()` takes (each app's own family starts with its source).
# core/migrations/0001_data_version.py keeps its own frozen copy, as migrations do; a source added later
# gets its row on first use.
SOURCES = tuple(dict.fromkeys(source for sources in FAMILIES.values() for source in sources))

# This process's copy of the DataVersion rows: {"rows": {source: (token, modified)}, "expires": monotonic s}.
_copy = {"rows": {}, "expires": 0.0}


def forget_data_versions():
    """Drop this process's copy: the next read asks the database (tests call it between cases)."""
    _copy["expires"] = 0.0


def _rows(sources):
    max_age = settings.DATA_VERSION_MAX_AGE
    now = time.monotonic()
    rows = _copy["rows"]
    if _copy["expires"] > now and all(source in rows for source in sources):
        return rows
    rows = {source: (token, modified) for source, token, modified in DataVersion.objects.values_list()}
    missing = [source for source in sources if source not in rows]
    if missing:
        # First use of a source: create its row; a concurrent creation wins and is read back.
        DataVersion.objects.bulk_create([_new_row(source) for source in missing], ignore_conflicts=True)
        rows = {source: (token, modified) for source, token, modified in DataVersion.objects.values_list()}
    _copy["rows"] = rows
    _copy["expires"] = float("inf") if max_age is None else now + max_age
    return rows


def data_version(*families):
    """The current data version of `families` (default: the directory) together: {"token": str,
    "modified": POSIX seconds}, the same in every process. Several families combine their sources, for a
    page that describes them all (the open-data catalogue)."""
    sources = tuple(
        dict.fromkeys(source for family in families or ("directory",) for source in FAMILIES.get(family, (family,)))
    )
    rows = _rows(sources)
    if len(sources) == 1:
        token, modified = rows[sources[0]]
    else:
        token = hashlib.sha256("|".join(rows[source][0] for source in sources).encode()).hexdigest()[:32]
        modified = max(rows[source][1] for source in sources)
    return {"token": token, "modified": int(modified.timestamp())}


# The sources bumped inside the current `bumps_collected()` block (None outside one), per thread and task.
_collected = ContextVar("collected_data_bumps", default=None)


def bump_data_version(*sources):
    """Give each source (default: the directory) a new version, in the current transaction if there is one.

    Inside a transaction the bump runs in a savepoint: if it fails (a lock timeout, say) it is logged and
    rolled back alone, never taking the write it follows with it; the cached payloads then expire by
    their timeout. Outside one, the write is already committed and the bump is one statement of its own.
    Inside a `bumps_collected()` block the sources are only noted, and bumped once when the block ends.
    """
    sources = sources or ("directory",)
    unknown = set(sources) - set(SOURCES)
    if unknown:
        # A family name or a typo would bump a row no page reads: the change would stay unseen.
        raise ValueError(f"Unknown data sources {sorted(unknown)}; expected some of {SOURCES}")
    collected = _collected.get()
    if collected is not None:
        collected.update(dict.fromkeys(sources))
        return
    _write_bumps(sources)


@contextmanager
def bumps_collected():
    """Collect the bumps of the block and write each source's once, when it ends: for bulk writes.

    An import, a merge or a bulk admin action saves many rows, and each save's signal asks for a bump:
    inside this block they cost one upsert per source instead of one per row. The bumps are written as
    the block ends, still inside the caller's transaction (before its commit), so other processes see
    the new version with the rows (outside a transaction, as one statement after the rows, like a single
    bump). Until then this process reads the versions from before the block: build no cached page inside
    it. A nested block leaves the writing to the outermost one. After an exception the bumps are still
    written (rows an autocommit loop already saved need them), unless the transaction is marked for
    rollback: it takes the rows away anyway.
    """
    if _collected.get() is not None:
        yield
        return
    collected = {}
    reset = _collected.set(collected)
    try:
        yield
    finally:
        _collected.reset(reset)
        if collected and not transaction.get_connection().needs_rollback:
            _write_bumps(tuple(collected))


def _write_bumps(sources):
    for source in sources:
        try:
            with transaction.atomic(savepoint=transaction.get_connection().in_atomic_block):
                DataVersion.objects.bulk_create(
                    [_new_row(source)],
                    update_conflicts=True,
                    unique_fields=["source"],
                    update_fields=["token", "modified"],
                )
        except DatabaseError:
            logger.exception("Data version of %r not bumped; cached pages expire by their timeout", source)
    # Read back on next use: inside a transaction this process then sees its own bump, others see it at commit.
    forget_data_versions()


def _new_row(source):
    return DataVersion(source=source, token=uuid.uuid4().hex, modified=timezone.now().replace(microsecond=0))


def follow_changes(source, app_config, private=()):
    """Bump `source` whenever a model of `app_config` is saved or deleted, or one of its M2M links changes.

    `private` names the app's models that no public page shows (submissions waiting for staff, alert
    subscriptions, counters): a row of theirs must not throw away every cached public page. History rows
    (django-simple-history's, which carry `instance_type`) mirror a save that already bumps.
    """

    def changed(action="post_", **kwargs):
        if action.startswith("post_"):  # m2m_changed also fires before the change ("pre_add"...)
            bump_data_version(source)

    for model in app_config.get_models():
        if model.__name__ in private or hasattr(model, "instance_type"):
            continue
        uid = f"data-version:{model._meta.label}"
        models.signals.post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}:save")
        models.signals.post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}:delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                models.signals.m2m_changed.connect(
                    changed, sender=through, weak=False, dispatch_uid=f"{uid}:m2m:{field.name}"
                )


def per_data_version(*families):
    """Decorator: a function without arguments computed once per data version of `families` in this process.

    For small reference data every page shows (a filter's options, the sectors and themes an organisation
    links to): a change bumps the version and the next call builds the value again, in every process within
    `DATA_VERSION_MAX_AGE`, as for any cached page. The value is held with its token in one tuple, replaced
    whole, so a thread never reads a new token with an old value.
    """

    def decorator(build):
        held = [(None, None)]

        @wraps(build)
        def wrapper():
            token = data_version(*families)["token"]
            held_token, value = held[0]
            if held_token != token:
                value = build()
                held[0] = (token, value)
            return value

        return wrapper

    return decorator


def normalised_query(querydict, ignore=()):
    """The query string in a canonical form (sorted keys and values, empty values dropped)."""
    items = sorted(
        (key, value) for key in querydict for value in querydict.getlist(key) if value != "" and key not in ignore
    )
    return urlencode(items)


def cached(key):
    """The value cached under a versioned `key` (from `cache_key`), or None.

    Two tiers: this process's memory first, then the shared cache. The local copy is safe because the key
    holds the data version: a change gives new keys, and an old key is never asked for again. It spares the
    shared cache's round trip (a SQL query with the database cache) on the hottest pages.
    """
    value = caches["local"].get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            caches["local"].set(key, value, LOCAL_TIMEOUT)
    return value


def store(key, value, timeout=PAYLOAD_TIMEOUT):
    """Cache `value` under a versioned `key`, in both tiers (see `cached`)."""
    cache.set(key, value, timeout)
    caches["local"].set(key, value, min(timeout, LOCAL_TIMEOUT))


def cache_key(kind, query, *, family="directory", token=None):
    """A cache key for `kind` rendered for `query`, under the current data version of `family` (a name or a
    tuple of names), or under `token`."""
    families = _families(family)
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    return f"{'+'.join(families)}:data:{kind}:{token or data_version(*families)['token']}:{digest}"


def _families(family):
    return (family,) if isinstance(family, str) else tuple(family)


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
    * `family` (a name, or a tuple of names for a body that describes several): its data version and
      `query` — a 304 or a cache hit costs no query at all;
    * `token`: a fingerprint the caller computed (say, two aggregates), with `query`;
    * neither: the body itself, built on every request (for data no version follows).
    Versioned bodies are cached (and their gzip form with them) unless `stream` is set. `build()` may
    return an HttpResponse instead (a 400 for a malformed filter): it is sent as is, never cached.
    """
    last_modified = None
    if family is not None:
        token, last_modified = _version_validators(family)
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
            rendered = payload(built)
        else:
            key = cache_key(kind, query, family=family or "data", token=token)
            rendered = cached(key)
            if rendered is None:
                body = build()
                if isinstance(body, HttpResponseBase):
                    return body
                rendered = payload(body)
                store(key, rendered)
        return payload_response(request, rendered, content_type)

    response = _conditional(render, etag, last_modified)(request)
    if response.status_code >= 400:
        return _without_validators(response)
    patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, ["Accept-Encoding"])
    if cors:
        # Open data: any site may read it from a browser (no cookies are involved).
        response["Access-Control-Allow-Origin"] = "*"
    if filename and response.status_code == 200:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def versioned(family):
    """Decorate a view whose response changes only with `family`'s data version: ETag and Last-Modified.

    For views that build their own response, such as the Atom feeds (`django.contrib.syndication`; on a
    class, `method_decorator(versioned(family), name="__call__")`). The validators are the ones of
    `cached_data_response`: the ETag derives from the version, the absolute URL and the normalised query (so
    it is the same on every worker and server), Last-Modified is the version's modification time; a match
    answers 304 through Django's `condition` before the view runs.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            token, last_modified = _version_validators(family)
            etag = _etag(request.build_absolute_uri(request.path), token, normalised_query(request.GET))
            response = _conditional(view, etag, last_modified)(request, *args, **kwargs)
            if response.status_code >= 400:
                return _without_validators(response)
            # The view may have set its own (a feed sends its newest entry's date): the version's wins.
            response["Last-Modified"] = http_date(last_modified.timestamp())
            return response

        return wrapper

    return decorator


def last_modified(*families):
    """When the families' public data last changed (an aware datetime, UTC), the same in every process."""
    return datetime.datetime.fromtimestamp(data_version(*families)["modified"], tz=datetime.UTC)


def _version_validators(family):
    """(token, last-modified datetime) of the family's data version: what every validator derives from."""
    families = _families(family)
    return data_version(*families)["token"], last_modified(*families)


def _conditional(view, etag, last_modified):
    return condition(
        etag_func=lambda request, *args, **kwargs: etag,
        last_modified_func=lambda request, *args, **kwargs: last_modified,
    )(view)


def _without_validators(response):
    # An error is no version of the data: nothing for a client to revalidate.
    del response["ETag"]
    del response["Last-Modified"]
    return response


def _accepts_gzip(request):
    return bool(re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")))


# Compressed once per data version and served many times: the strongest level pays for what browsers fetch
# whole. The full map data of 20,072 organisations is 387 KB at 9 against 423 KB at 6 (budget 400 KB), for
# 204 ms instead of 63 ms, once. Past GZIP_LARGE_BODY (the map data of some 40,000 points), the default level:
# at 200,000 points, 9 took 2.3 s of a cold build against 0.6 s, for a file that no page loads whole.
GZIP_LEVEL = 9
GZIP_LARGE_BODY = 8 * 1024 * 1024


def payload(body):
    """A cacheable rendering: the body and its gzip form (compressed once, served many times by
    `payload_response`). What data endpoints and cached pages store."""
    level = GZIP_LEVEL if len(body) <= GZIP_LARGE_BODY else 6
    return {"body": body, "gzip": gzip.compress(body, compresslevel=level, mtime=0)}


def payload_response(request, rendered, content_type):
    """The response for a `payload`: its gzip form when the client accepts it, so GZipMiddleware (which
    leaves an encoded response alone) does not compress the same bytes again on every request.

    No random padding against BREACH, unlike GZipMiddleware's: a payload is public, the same for every
    visitor (data, or a page cached for visitors without a session), so it holds no secret to guess.
    """
    if _accepts_gzip(request):
        response = HttpResponse(rendered["gzip"], content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(rendered["body"], content_type=content_type)
    patch_vary_headers(response, ["Accept-Encoding"])
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
