"""Find the public URLs of the site by walking the URL resolver (the admin is left out).

Shared by the header, template and fuzz tests, so a page added by any app is covered without
editing these tests.
"""

import re
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

from directory.schema import SCHEMA_VERSION
from directory.views.opendata import FORMATS

# Namespaces and prefixes that are not public pages.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_PREFIXES = ("static/", "media/", "__debug__/")
OUR_APPS = ("apes_portal", "territories", "directory", "publications", "proposals")
# Route parameters that name no object: a value the site serves.
KNOWN_VALUES = {"extension": next(iter(FORMATS)), "version": SCHEMA_VERSION}
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name" or "" when unnamed
    route: str  # e.g. "annuaire/<slug:slug>/"

    @property
    def parameters(self):
        """{"slug": "slug", "pk": "int"} for the route's path parameters."""
        return {m["name"]: m["converter"] or "str" for m in PARAMETER.finditer(self.route)}

    def __str__(self):
        return self.name or self.route


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES or pattern.app_name in SKIPPED_NAMESPACES:
                continue
            child_namespace = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), child_namespace)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if route.startswith("^") or "(?P" in route:  # regex routes (e.g. DEBUG static): not ours
                continue
            name = ":".join(filter(None, [namespace, pattern.name])) if pattern.name else ""
            yield Route(name=name, route=route)


def public_routes():
    """Every route outside the admin, in URLconf order."""
    admin_prefix = settings.ADMIN_URL
    return [
        r
        for r in _walk(get_resolver().url_patterns)
        if not r.route.startswith(admin_prefix) and not r.route.startswith(SKIPPED_PREFIXES)
    ]


def route_path(route, **values):
    """Fill a route's parameters with the given values (no reversing: values may be nonsense)."""
    return "/" + PARAMETER.sub(lambda m: str(values[m["name"]]), route.route)


def object_urls():
    """get_absolute_url() of one saved object of every model of our apps that has one."""
    urls = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or not hasattr(model, "get_absolute_url"):
            continue
        if model._meta.label.startswith(("simple_history", "axes")) or model.__name__.startswith("Historical"):
            continue
        instance = model._default_manager.order_by("pk").first()
        if instance is None:
            continue
        try:
            urls.append(instance.get_absolute_url())
        except Exception:  # an object that cannot build its own URL is the app's test to catch
            continue
    return urls


def saved_objects(per_model=3):
    """A few saved objects of every model of our apps (to fill route parameters)."""
    objects = []
    for model in apps.get_models():
        if model._meta.app_label in OUR_APPS and not model.__name__.startswith("Historical"):
            objects += list(model._default_manager.order_by("pk")[:per_model])
    return objects


def candidate_paths(route, objects):
    """Paths for a parameterised route, its parameters taken from the same-named attributes of objects."""
    if all(name in KNOWN_VALUES for name in route.parameters):
        yield route_path(route, **KNOWN_VALUES)
        return
    for obj in objects:
        values = {}
        for name in route.parameters:
            value = KNOWN_VALUES.get(name, obj.pk if name in ("pk", "id") else getattr(obj, name, None))
            if value in (None, "") or isinstance(value, models.Model):
                break
            values[name] = value
        else:
            yield route_path(route, **values)


def concrete_public_urls(client=None):
    """Paths to request: every route without parameters plus one real path per parameterised route.

    Parameterised routes get an object's get_absolute_url() when one resolves to them; otherwise,
    with a client, the first path built from saved objects' attributes that the site serves.
    """
    from django.urls import resolve

    urls = [route_path(r) for r in public_routes() if not r.parameters]
    missing = {r.route: r for r in public_routes() if r.parameters}
    for url in object_urls():
        path = url.split("?", 1)[0]
        try:
            match = resolve(path)
        except Exception:
            continue
        if match.route in missing:
            del missing[match.route]
            urls.append(url)
    if client is not None and missing:
        objects = saved_objects()
        for route in missing.values():
            for path in candidate_paths(route, objects):
                if client.get(path).status_code in (200, 405):  # 405: a POST-only action, still public
                    urls.append(path)
                    break
    return list(dict.fromkeys(urls))


def _first(model, **filters):
    return model._default_manager.filter(**filters).order_by("pk").first()


def _token_paths():
    """Routes whose parameters are signed tokens, or objects no attribute names: name -> real path, or None.

    Built from saved objects the way the site builds them for its mails, so these routes are fuzzed with a
    valid path too, not only with nonsense ones.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from directory.models import Organisation
    from proposals.models import AlertSubscription, Campaign, Commitment, Proposal

    def organisation_email():
        organisation = Organisation.objects.published().order_by("pk").first()
        return organisation and reverse("directory:organisation-email", kwargs={"slug": organisation.slug})

    def commitment(token_of, name):
        found = _first(Commitment)
        return found and reverse(name, kwargs={"token": token_of(found)})

    def alert(token_of, name):
        found = _first(AlertSubscription)
        return found and reverse(name, kwargs={"token": token_of(found)})

    def measure():
        proposal = _first(Proposal, axis__campaign=Campaign.objects.current())
        return proposal and reverse("proposals:measure-detail", kwargs={"slug": proposal.slug})

    def password_reset():
        user = get_user_model()._default_manager.exclude(email="").order_by("pk").first()
        if user is None:
            return None
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        return reverse("accounts:password-reset-confirm", kwargs={"uidb64": uid, "token": token})

    return {
        "directory:organisation-email": organisation_email,
        "proposals:commitment-confirm": lambda: commitment(
            Commitment.confirmation_token, "proposals:commitment-confirm"
        ),
        "proposals:update-propose": lambda: commitment(Commitment.update_token, "proposals:update-propose"),
        "proposals:alert-confirm": lambda: alert(AlertSubscription.confirmation_token, "proposals:alert-confirm"),
        "proposals:alert-unsubscribe": lambda: alert(
            AlertSubscription.unsubscribe_token, "proposals:alert-unsubscribe"
        ),
        "proposals:measure-detail": measure,
        "accounts:password-reset-confirm": password_reset,
    }


def concrete_url_for(route, client):
    """One real path for a single route (see concrete_public_urls), or None."""
    from django.urls import resolve

    if not route.parameters:
        return route_path(route)
    builder = _token_paths().get(route.name)
    if builder is not None:
        return builder()
    for url in object_urls():
        try:
            if resolve(url.split("?", 1)[0]).route == route.route:
                return url
        except Exception:
            continue
    for path in candidate_paths(route, saved_objects()):
        if client.get(path).status_code in (200, 405):
            return path
    return None
