"""Property-based fuzzing: whatever a visitor sends, the site never answers with a 5xx.

Hypothesis throws unicode, NUL bytes, huge and non-finite numbers, repeated parameters (arrays),
very long strings and malformed coordinates at:
- every GET parameter of every public URL (the names below, plus every filter of every FilterSet
  in the apps' filters.py, plus every field of the GET forms found on the page);
- the path parameters of every public route (slugs, ids, tokens);
- every field of every public POST form found on the public pages.
Public URLs are discovered by walking the URL resolver (tests/security/urlwalk.py), so pages that
apps add later are fuzzed without editing this file. FUZZ_EXAMPLES raises the budget locally.
"""

import importlib
import os
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import django_filters
import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.urlwalk import OUR_APPS, concrete_public_urls, concrete_url_for, public_routes, route_path

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis/ directory in the tree; failures print their example
    suppress_health_check=list(HealthCheck),
)

# Parameter names the apps document (kept even if a FilterSet is renamed, so old links are fuzzed).
KNOWN_PARAMETERS = {
    # directory
    "q", "kind", "sector", "theme", "departement", "epci", "commune", "adherent", "ptce", "status",
    "sort", "page", "bbox",
    # publications
    "collection", "territory", "year", "territoire", "annee",
    # territories
    "phase",
    # proposals ("near me" and preselected proposals) and the member space
    "insee", "proposition", "organisation",
    # generic
    "format", "next", "lang", "callback",
}  # fmt: skip

NASTY_CONSTANTS = [
    "", " ", "0", "-1", "1e308", "-1e308", "NaN", "nan", "Infinity", "-inf", "0x1F", "1_000",
    "99999999999999999999999999999999", "-99999999999999999999", "9223372036854775808",
    "1,2,3,4", "2.5,49.9,3.2,50.4", "3.2,50.4,2.5,49.9", "-181,-91,181,91", "nan,nan,nan,nan",
    "1,2,3", "1,,3,4", ",,,", "a,b,c,d",
    "\x00", "a\x00b", "%00", "\u202e", "\ufeff", "𝕬𝖕𝖊𝖘", "Ⓐ", "é" * 3, "Lille\u0301",
    "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", '"; DROP TABLE x; --',
    "{{ 7*7 }}", "{% debug %}", "%s%s%s%n", "null", "true", "[]", "{}", "__proto__",
    "2024-02-30", "0000-00-00", "-2024", "+33", "ptce", "adherent",
]  # fmt: skip

safe_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
nasty_value = st.one_of(
    st.sampled_from(NASTY_CONSTANTS),
    safe_text,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.tuples(safe_text, safe_text).map(lambda pair: pair[0] + "\x00" + pair[1]),
    # very long strings, cheap to generate
    st.tuples(st.sampled_from(["a", "é", "𝕏", "1", ",", "-"]), st.integers(1_000, 20_000)).map(
        lambda pair: pair[0] * pair[1]
    ),
)
# A parameter is sent once, or repeated (?theme=a&theme=b: an array).
parameter_value = st.one_of(nasty_value, st.lists(nasty_value, min_size=2, max_size=4))


def query_parameters(names):
    return st.dictionaries(keys=st.sampled_from(sorted(names)), values=parameter_value, max_size=6)


def filterset_parameters():
    """Every parameter name of every FilterSet in the apps (suffixed names for range filters)."""
    names = set()
    for app in OUR_APPS:
        try:
            module = importlib.import_module(f"{app}.filters")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if not (isinstance(value, type) and issubclass(value, django_filters.FilterSet)):
                continue
            for name, filter_ in value.base_filters.items():
                names.add(name)
                widget = getattr(getattr(filter_, "field_class", None), "widget", None)
                for suffix in getattr(widget, "suffixes", []) or []:
                    names.add(f"{name}_{suffix}" if suffix else name)
    return names


class FormCollector(HTMLParser):
    """The forms of a page: method, action, enctype and fields (name, type, options)."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (attrs.get("method") or "get").lower(),
                    "action": attrs.get("action") or "",
                    "enctype": attrs.get("enctype") or "",
                    "fields": {},
                }
            )
        elif self.forms and tag in {"input", "textarea", "select"} and attrs.get("name"):
            field = self.forms[-1]["fields"].setdefault(
                attrs["name"], {"type": attrs.get("type", tag).lower(), "values": []}
            )
            if attrs.get("value"):
                field["values"].append(attrs["value"])
            if tag == "select":
                self._select = field
        elif tag == "option" and self._select is not None and attrs.get("value") is not None:
            self._select["values"].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def page_forms(client, url):
    response = client.get(url)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return []
    collector = FormCollector()
    collector.feed(response.content.decode())
    page_path = urlsplit(url).path
    forms = []
    for form in collector.forms:
        action = urlsplit(form["action"]).path or page_path
        if urlsplit(form["action"]).netloc or action.startswith("/" + _admin_prefix()):
            continue
        forms.append({**form, "action": action})
    return forms


def _admin_prefix():
    from django.conf import settings as django_settings

    return django_settings.ADMIN_URL


def route_ids():
    return [str(r) for r in public_routes()]


@pytest.fixture
def fuzz_client(settings):
    # Rate limits would turn most of the fuzzing into 429s: they have their own tests.
    settings.RATELIMIT_ENABLE = False
    return Client()


ROUTES = public_routes()


@pytest.mark.parametrize("route", ROUTES, ids=route_ids())
def test_get_parameters_never_cause_a_server_error(route, fuzz_client, populated_site):
    url = concrete_url_for(route, fuzz_client)
    if url is None:
        pytest.skip(f"no object to build {route.route} from (its path is fuzzed below)")
    names = KNOWN_PARAMETERS | filterset_parameters()
    for form in page_forms(fuzz_client, url):
        if form["method"] == "get":
            names |= set(form["fields"])

    @FUZZ_SETTINGS
    @given(params=query_parameters(names))
    def fuzz(params):
        response = fuzz_client.get(url, params)
        assert response.status_code < 500, (url, params)

    fuzz()


def test_raw_undecodable_query_strings_never_cause_a_server_error(fuzz_client, populated_site):
    """Bytes that are not UTF-8 and broken percent-escapes, as bots send them."""
    raw = ["q=%FF%FE%00", "page=%C0%AF", "bbox=%E2%82", "theme=%", "sort=%%", "q=" + "%41" * 5000, "&&&==&"]
    for url in concrete_public_urls(fuzz_client):
        for query in raw:
            response = fuzz_client.get(url, QUERY_STRING=query)
            assert response.status_code < 500, (url, query)


def path_value(converter):
    if converter == "int":
        return st.integers(min_value=0, max_value=10**30).map(str)
    if converter == "slug":
        return st.one_of(
            st.from_regex(r"[-a-zA-Z0-9_]{1,60}", fullmatch=True),
            st.integers(1_000, 5_000).map(lambda n: "a" * n),
        )
    if converter == "uuid":
        return st.uuids().map(str)
    # str / path / custom converters: anything, percent-encoded by us
    return st.one_of(nasty_value.filter(bool), st.text(min_size=1, max_size=80)).map(lambda v: quote(v, safe=""))


PARAMETRISED = [r for r in ROUTES if r.parameters]


@pytest.mark.parametrize("route", PARAMETRISED, ids=[str(r) for r in PARAMETRISED])
def test_path_parameters_never_cause_a_server_error(route, fuzz_client, populated_site):
    strategies = {name: path_value(converter) for name, converter in route.parameters.items()}

    @FUZZ_SETTINGS
    @given(values=st.fixed_dictionaries(strategies))
    def fuzz(values):
        path = route_path(route, **values)
        response = fuzz_client.get(path)
        assert response.status_code < 500, path
        response = fuzz_client.post(path, {"x": "y"})
        assert response.status_code < 500, ("POST", path)

    fuzz()


def field_value(field):
    """Plausible values (so validation sometimes passes) mixed with nasty ones."""
    plausible = [v for v in field["values"] if v]
    kind = field["type"]
    options = [nasty_value]
    if plausible:
        options.append(st.sampled_from(plausible))
    if kind == "email":
        options.append(st.from_regex(r"[a-z]{1,10}@[a-z]{1,10}\.(fr|org)", fullmatch=True))
    if kind in {"number", "range"}:
        options.append(st.integers(-(10**20), 10**20).map(str))
    if kind == "checkbox":
        options.append(st.sampled_from(["on", "1", "true"]))
    single = st.one_of(*options)
    return st.one_of(single, st.lists(single, min_size=2, max_size=3))


def upload_value():
    from django.core.files.uploadedfile import SimpleUploadedFile

    names = st.sampled_from(
        ["../../etc/passwd", "..\\..\\evil.pdf", "logo.png", "a" * 300 + ".pdf", "\x00.pdf", "é.jpg"]
    )
    contents = st.one_of(
        st.binary(max_size=2048),
        st.just(b"%PDF-1.4\n%%EOF"),
        st.just(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        st.just(b"GIF89a"),
    )
    return st.tuples(names, contents).map(lambda nc: SimpleUploadedFile(nc[0], nc[1]))


def public_post_forms(client):
    found = {}
    for url in concrete_public_urls(client):
        for form in page_forms(client, url):
            if form["method"] == "post":
                found.setdefault(form["action"], form)
    return found


def test_public_post_forms_are_found(fuzz_client, populated_site):
    """Guard for the test below: the fuzzer does see the site's public forms."""
    from django.urls import NoReverseMatch, reverse

    try:
        commitment_url = reverse("proposals:commitment-create")
    except NoReverseMatch:
        pytest.skip("no public form yet")
    assert commitment_url in public_post_forms(fuzz_client)


def post_fuzzer(client, action, strategies):
    """A Hypothesis test posting random subsets of the form's fields to `action`."""

    @FUZZ_SETTINGS
    @given(data=st.fixed_dictionaries({}, optional=strategies))
    def fuzz(data):
        with transaction.atomic():  # keep the database small between examples
            response = client.post(action, data)
            transaction.set_rollback(True)
        assert response.status_code < 500, (action, data)

    return fuzz


def test_public_post_forms_never_cause_a_server_error(fuzz_client, populated_site):
    forms = public_post_forms(fuzz_client)
    if not forms:
        pytest.skip("no public POST form on the site yet")
    for action, form in sorted(forms.items()):
        strategies = {
            name: upload_value() if field["type"] == "file" else field_value(field)
            for name, field in form["fields"].items()
            if name != "csrfmiddlewaretoken"
        }
        post_fuzzer(fuzz_client, action, strategies)()
