"""Accessibility checks for the browser tests: axe-core (vendored) and a keyboard probe.

`check_page(page)` injects the vendored axe-core into the page, runs the WCAG 2.0/2.1 level A and AA
rules and returns an `AxeResult` whose `report()` reads like a to-do list (rule, impact, element,
what to fix). `assert_no_violations(page)` fails the test with that report. Every run is recorded in
`RUNS` so the suite can write a summary (pages checked, rules passed) for the accessibility report.

The engine is injected from its file (`add_script_tag(path=...)`). Our pages forbid inline scripts
(CSP `script-src 'self'`), and an injected tag is an inline script; when the browser context does not
bypass the CSP, the same file is loaded from the live server's own static URL instead, which the CSP
allows. Nothing here needs the network.
"""

import contextlib
import json
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError

AXE_VERSION = "4.14.1"
AXE_PATH = Path(settings.BASE_DIR) / "static" / "vendor" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
AXE_STATIC_URL = f"{settings.STATIC_URL}vendor/axe-core-{AXE_VERSION}/axe.min.js"
# RGAA 4 is the French transposition of WCAG 2.1 AA: these four tags select exactly those rules.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# axe files headings and landmarks under "best practices", yet the issue and RGAA (criteria 9.1, 9.2,
# 12.6, 12.7) ask for them: these structure rules run on top of the WCAG tags.
STRUCTURE_RULES = [
    "empty-heading",
    "heading-order",
    "page-has-heading-one",
    "landmark-one-main",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-no-duplicate-main",
    "landmark-banner-is-top-level",
    "landmark-contentinfo-is-top-level",
    "landmark-main-is-top-level",
    "landmark-unique",
    "region",
    "skip-link",
    "table-duplicate-name",
]

# The two sizes every page and journey is checked at: a phone and a laptop.
VIEWPORTS = {
    "phone": {"width": 375, "height": 812},
    "desktop": {"width": 1280, "height": 800},
}

# Every axe run of the session, in order: filled by check_page(), read by the summary writer.
RUNS = []


@dataclass
class AxeResult:
    """What axe found on one page at one viewport."""

    url: str
    viewport: str
    violations: list = field(default_factory=list)
    passes: list = field(default_factory=list)
    incomplete: list = field(default_factory=list)

    @property
    def passed_rules(self):
        return sorted(rule["id"] for rule in self.passes)

    def report(self):
        """The violations as readable text: one block per rule, a few offending elements each."""
        if not self.violations:
            return f"{self.url} ({self.viewport}): no axe violation"
        lines = [f"{self.url} ({self.viewport}): {len(self.violations)} axe rule(s) violated"]
        for rule in self.violations:
            lines.append(f"- {rule['id']} [{rule.get('impact') or 'n/a'}] {rule['help']} ({rule['helpUrl']})")
            for node in rule["nodes"][:5]:
                target = " ".join(str(part) for part in node.get("target", []))
                summary = " ".join((node.get("failureSummary") or "").split())
                lines.append(f"    at {target}: {summary}")
                lines.append(f"       {node.get('html', '')[:200]}")
            if len(rule["nodes"]) > 5:
                lines.append(f"    … and {len(rule['nodes']) - 5} more element(s)")
        return "\n".join(lines)


def _inject(page):
    if page.evaluate("() => typeof window.axe !== 'undefined'"):
        return
    # Playwright raises when the page's CSP refuses the inline tag; the fallback loads the same file.
    with contextlib.suppress(PlaywrightError):
        page.add_script_tag(path=str(AXE_PATH))
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_STATIC_URL)
    page.wait_for_function("() => typeof window.axe !== 'undefined'")


def check_page(page, *, exclude=None):
    """Run axe's WCAG 2.1 A/AA rules (and the structure rules) on the page as it is now; record the result.

    `exclude` lists CSS selectors axe must skip: only for third-party widgets we do not control,
    each with a reason at the call site.
    """
    _inject(page)
    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    options = {
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "rules": {rule: {"enabled": True} for rule in STRUCTURE_RULES},
        "resultTypes": ["violations"],
    }
    raw = page.evaluate(
        """async ([context, options]) => {
            const results = await window.axe.run(context || document, options);
            const keep = ({id, impact, help, helpUrl, nodes}) => ({
                id, impact, help, helpUrl,
                nodes: nodes.map(({target, html, failureSummary}) => ({target, html, failureSummary})),
            });
            return {
                violations: results.violations.map(keep),
                passes: results.passes.map(({id}) => ({id})),
                incomplete: results.incomplete.map(({id}) => ({id})),
            };
        }""",
        [context, options],
    )
    size = page.viewport_size or {}
    result = AxeResult(
        url=page.url,
        viewport=f"{size.get('width')}×{size.get('height')}",
        violations=raw["violations"],
        passes=raw["passes"],
        incomplete=raw["incomplete"],
    )
    RUNS.append(result)
    return result


def assert_no_violations(page, *, exclude=None):
    """Fail with axe's readable report unless the page has zero WCAG 2.1 A/AA violations."""
    result = check_page(page, exclude=exclude)
    assert not result.violations, result.report()
    return result


def write_summary(path):
    """Write what axe checked in this session (pages, viewports, rules passed) as JSON; return it."""
    passed = sorted({rule for run in RUNS for rule in run.passed_rules})
    violated = sorted({rule["id"] for run in RUNS for rule in run.violations})
    structure = [rule for rule in passed if rule in STRUCTURE_RULES]
    summary = {
        "axe_version": AXE_VERSION,
        "tags": WCAG_TAGS,
        "structure_rules": STRUCTURE_RULES,
        "runs": len(RUNS),
        "pages": sorted({"/" + run.url.split("://", 1)[-1].split("/", 1)[-1] for run in RUNS}),
        "viewports": sorted({run.viewport for run in RUNS}),
        "rules_passed": passed,
        "rules_passed_count": len(passed),
        "wcag_rules_passed_count": len(passed) - len(structure),
        "structure_rules_passed_count": len(structure),
        "rules_violated": violated,
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return summary


# --- keyboard ------------------------------------------------------------------------------------

_FOCUSED_JS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    const label = (el.getAttribute('aria-label') || el.innerText || el.value || el.name || el.id || '').trim();
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        name: el.getAttribute('name'),
        href: el.getAttribute('href'),
        label: label.replace(/\\s+/g, ' ').slice(0, 80),
        focusVisible: el.matches(':focus-visible'),
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth) || 0,
        boxShadow: style.boxShadow,
        visible: rect.width > 0 && rect.height > 0,
        inMain: !!el.closest('main'),
        inHeader: !!el.closest('header'),
        inFooter: !!el.closest('footer'),
        inMap: !!el.closest('.leaflet-container'),
        top: rect.top + window.scrollY,
        left: rect.left + window.scrollX,
    };
}"""


def focused(page):
    """The element that has the keyboard focus, as a dict (None when it is the body)."""
    return page.evaluate(_FOCUSED_JS)


def has_visible_focus(info):
    """True when the focused element shows a focus indicator (an outline or a box-shadow)."""
    if info is None:
        return False
    outline = info["outlineStyle"] not in ("none", "") and info["outlineWidth"] > 0
    shadow = info["boxShadow"] not in ("none", "")
    return outline or shadow


def tab_through(page, count, *, backwards=False):
    """Press Tab `count` times from where the focus is; return the focused element after each press."""
    key = "Shift+Tab" if backwards else "Tab"
    stops = []
    for _ in range(count):
        page.keyboard.press(key)
        stops.append(focused(page))
    return stops


def tab_until(page, predicate, *, limit=80, backwards=False):
    """Press Tab (Shift+Tab if `backwards`) until `predicate(info)` holds; return the stops visited.

    The last stop is the one that matches. Fails when the focus never gets there within `limit`
    presses (a trap, or an element the keyboard cannot reach).
    """
    key = "Shift+Tab" if backwards else "Tab"
    stops = []
    for _ in range(limit):
        page.keyboard.press(key)
        info = focused(page)
        stops.append(info)
        if info is not None and predicate(info):
            return stops
    visited = [f"{s['tag']}:{s['label']}" if s else "body" for s in stops[-12:]]
    raise AssertionError(f"focus never reached the expected element in {limit} Tab presses; last: {visited}")


# --- fixtures shared by test_accessibility.py and test_journeys.py (imported there) ----------------

SUMMARY_PATH = Path(settings.BASE_DIR) / "test-artifacts" / "axe-summary.json"


@pytest.fixture(scope="session")
def axe_summary():
    """Session fixture: after the browser tests, write what axe checked to test-artifacts/axe-summary.json."""
    yield RUNS
    if RUNS:
        write_summary(SUMMARY_PATH)


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request, page):
    """Run the test once per viewport: the page is resized before the test opens anything."""
    page.set_viewport_size(VIEWPORTS[request.param])
    return request.param


def _quiet(message):
    """The demo seeds report what they create; the tests don't need it."""


@pytest.fixture
def demo(settings, tmp_path):
    """`demo("directory", ...)` loads those apps' demo content as `manage.py seed_demo` does.

    The geography and themes (territories) always come first; files the seeds generate (the carnets'
    PDFs) go to a temporary MEDIA_ROOT.
    """
    from apes_portal.management.commands.seed_demo import PHASES

    settings.MEDIA_ROOT = tmp_path / "media"

    def load(*apps):
        wanted = {"territories", *apps}
        for phase, order in PHASES:
            for app in order:
                step = getattr(import_module(f"{app}.demo"), phase, None) if app in wanted else None
                if step is not None:
                    step(_quiet)

    return load
