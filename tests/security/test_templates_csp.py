"""The CSP forbids inline code: no template may rely on it, and no rendered page contains any.

Two layers: the template sources (catches a page the suite does not render) and the HTML the
public pages really send (catches template tags that emit inline code, e.g. `leaflet_map`).
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from tests.security.urlwalk import concrete_public_urls

# <script> blocks that hold data, not code: allowed (json_script emits type="application/json").
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json", "application/geo+json"}
SCRIPT_TAG = re.compile(r"<script\b(?P<attrs>[^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*?\sstyle\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
TYPE_ATTRIBUTE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


def template_files():
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [Path(settings.BASE_DIR) / app / "templates" for app in ("apes_portal", *_apps())]
    files = []
    for root in roots:
        if root.is_dir():
            files += sorted(p for p in root.rglob("*") if p.suffix in {".html", ".txt", ".xml"} and p.is_file())
    return files


def _apps():
    return ("territories", "directory", "publications", "proposals")


def inline_code_problems(text):
    """Return a list of human-readable problems: inline scripts, handlers, javascript: URLs, styles."""
    problems = []
    for match in SCRIPT_TAG.finditer(text):
        attrs = match["attrs"]
        if re.search(r"\bsrc\s*=", attrs, re.IGNORECASE):
            continue
        script_type = TYPE_ATTRIBUTE.search(attrs)
        if script_type and script_type.group(1).lower() in DATA_SCRIPT_TYPES:
            continue
        problems.append(f"inline <script{attrs}>")
    problems += [f"inline event handler: {m.group(0)[:80]!r}" for m in EVENT_HANDLER.finditer(text)]
    problems += [f"javascript: URL: {m.group(0)!r}" for m in JAVASCRIPT_URL.finditer(text)]
    # style-src 'self' also blocks style="" attributes and <style> elements: they would be ignored.
    problems += [f"inline style attribute: {m.group(0)[:80]!r}" for m in STYLE_ATTRIBUTE.finditer(text)]
    problems += ["inline <style> element" for _ in STYLE_ELEMENT.finditer(text)]
    return problems


def test_the_scanner_recognises_inline_code():
    assert inline_code_problems('<script>alert(1)</script><a href="javascript:x()">') != []
    assert inline_code_problems('<button onclick="go()">') != []
    assert inline_code_problems('<div style="color:red">') != []
    assert inline_code_problems('<script type="module" src="/static/js/map.js"></script>') == []
    assert inline_code_problems('<script id="cfg" type="application/json">{"a": 1}</script>') == []
    assert inline_code_problems('<script type="application/ld+json">{}</script>') == []
    assert inline_code_problems('<p>Les onglets sont "onglets=1"</p>') == []


def test_no_template_contains_inline_code():
    files = template_files()
    assert files, "no template found"
    found = {}
    for path in files:
        problems = inline_code_problems(path.read_text(encoding="utf-8"))
        if problems:
            found[str(path.relative_to(settings.BASE_DIR))] = problems
    assert found == {}


class _ScriptCollector(HTMLParser):
    """Collect script elements of a rendered page with their attributes and body."""

    def __init__(self):
        super().__init__()
        self.scripts = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._current = [dict(attrs), ""]

    def handle_data(self, data):
        if self._current is not None:
            self._current[1] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._current is not None:
            self.scripts.append(tuple(self._current))
            self._current = None


@pytest.mark.django_db
def test_no_rendered_public_page_contains_inline_code(visitor, populated_site):
    found = {}
    for url in concrete_public_urls(visitor):
        response = visitor.get(url)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        problems = inline_code_problems(html)
        collector = _ScriptCollector()
        collector.feed(html)
        for attrs, body in collector.scripts:
            if "src" not in attrs and attrs.get("type", "").lower() not in DATA_SCRIPT_TYPES and body.strip():
                problems.append(f"inline script body: {body.strip()[:80]!r}")
        if problems:
            found[url] = problems
    assert found == {}
