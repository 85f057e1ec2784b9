"""A second accessibility engine beside axe: HTML_CodeSniffer (vendored), WCAG 2 level AA.

axe and HTML_CodeSniffer read some rules differently (HTMLCS asks a `role=button` element for a name
other than `title`, for one), so the map pages run both. `codesniffer_errors(page)` injects the engine
the same way a11y.py injects axe (from the file, or from the live server's static URL when the page's
CSP refuses the inline tag) and returns its errors; warnings and notices need a human and are left out.
"""

import contextlib
from pathlib import Path

from django.conf import settings
from playwright.sync_api import Error as PlaywrightError

HTMLCS_VERSION = "2.5.1"
HTMLCS_PATH = Path(settings.BASE_DIR) / "static" / "vendor" / f"html_codesniffer-{HTMLCS_VERSION}" / "HTMLCS.js"
HTMLCS_STATIC_URL = f"{settings.STATIC_URL}vendor/html_codesniffer-{HTMLCS_VERSION}/HTMLCS.js"
ERROR = 1  # HTMLCS message types: 1 error, 2 warning, 3 notice


def _inject(page):
    if page.evaluate("() => typeof window.HTMLCS !== 'undefined'"):
        return
    with contextlib.suppress(PlaywrightError):
        page.add_script_tag(path=str(HTMLCS_PATH))
    if not page.evaluate("() => typeof window.HTMLCS !== 'undefined'"):
        page.add_script_tag(url=HTMLCS_STATIC_URL)
    page.wait_for_function("() => typeof window.HTMLCS !== 'undefined'")


def codesniffer_errors(page, standard="WCAG2AA"):
    """HTML_CodeSniffer's errors on the page as it is now: a list of {code, message, html}."""
    _inject(page)
    return page.evaluate(
        """([standard, errorType]) => new Promise((resolve, reject) => {
            window.HTMLCS.process(standard, document, () => resolve(
                window.HTMLCS.getMessages()
                    .filter((message) => message.type === errorType)
                    .map((message) => ({
                        code: message.code,
                        message: message.msg,
                        html: message.element && message.element.outerHTML
                            ? message.element.outerHTML.slice(0, 200) : String(message.element),
                    }))
            ), reject);
        })""",
        [standard, ERROR],
    )


def report(errors):
    """The errors as readable lines: code, message, element."""
    return "\n".join(f"- {e['code']}: {e['message']}\n    {e['html']}" for e in errors)
