"""Browser timing of /carte/: milliseconds from navigation to the first cluster drawn, against its floor.

`python bench/map_timing.py URL [--runs 5] [--before COMMIT] [--no-floor]` with a server of the portal at URL (e.g. the
gunicorn of bench/run.py, or `gunicorn apes_portal.wsgi` on a seeded database). Chromium (/usr/bin/chromium)
through Playwright, no tiles (the setting is empty in the bench), a fresh browser context per run.

- **map**: `performance.now()` when the first `.marker-cluster` enters the page (a MutationObserver set
  before any script runs);
- **floor**: the same page with directory-map.js replaced by a module that only fetches and parses the same
  GeoJSON of every point (the same Leaflet loaded, nothing drawn): what no client-side clustering can beat;
  `--no-floor` skips it (at 200,000 points the map no longer downloads every point: the budget there is the
  20,000-point map time and the bytes of the first view);
- **before** (`--before COMMIT`): the map module and clustering library of that commit, served in place of
  today's by request interception, on the same server and data.

Prints the medians, the ratio to the floor and the bytes transferred for the first view.
"""

import argparse
import statistics
import subprocess
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OBSERVER = """
window.__firstCluster = null;
new MutationObserver((records, observer) => {
  if (document.querySelector('.marker-cluster')) {
    window.__firstCluster = performance.now();
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true });
"""
FLOOR_MODULE = """
const config = JSON.parse(document.getElementById('map-config').textContent);
fetch(config.dataUrl, { headers: { Accept: 'application/geo+json' } })
  .then((response) => response.json())
  .then((data) => { window.__floor = performance.now(); window.__count = data.features.length; });
"""


def git_show(commit, path):
    return subprocess.run(["git", "show", f"{commit}:{path}"], cwd=ROOT, capture_output=True, check=True).stdout


def measure(browser, url, *, replace=None, until="() => window.__firstCluster"):
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(OBSERVER)
    page.on("pageerror", lambda error: print("page error:", error))
    transferred = []
    page.on("response", lambda response: transferred.append(int(response.headers.get("content-length") or 0)))
    for pattern, body, content_type in replace or []:
        page.route(
            pattern,
            lambda route, request, body=body, content_type=content_type: route.fulfill(
                body=body, content_type=content_type
            ),
        )
    page.goto(url, wait_until="commit")
    page.wait_for_function(until, timeout=60_000)
    elapsed = page.evaluate(until)
    context.close()
    return elapsed, sum(transferred)


def time_map(base_url, *, runs=5, floor=True, before=None):
    """{variant: {"ms": median, "bytes": median transferred, "runs": [ms, ...]}} for the map, its floor and `before`.

    The variants are interleaved, so that the machine's noise hits every variant alike.
    """
    map_url = base_url.rstrip("/") + "/carte/"
    floor_module = [("**/js/directory-map*.js", FLOOR_MODULE, "text/javascript")]
    variants = {"floor": {"replace": floor_module, "until": "() => window.__floor"}, "map": {}}
    if not floor:
        del variants["floor"]
    if before:
        old_map = git_show(before, "static/js/directory-map.js")
        old_cluster = git_show(before, "static/vendor/leaflet.markercluster-1.5.3/leaflet.markercluster.js")
        variants["before"] = {
            "replace": [
                ("**/js/directory-map*.js", old_map, "text/javascript"),
                ("**/supercluster*.js", old_cluster, "text/javascript"),
            ]
        }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        results = {name: [] for name in variants}
        for _ in range(runs):
            for name, options in variants.items():
                results[name].append(measure(browser, map_url, **options))
        browser.close()
    return {
        name: {
            "ms": statistics.median(ms for ms, _ in timings),
            "bytes": statistics.median(size for _, size in timings),
            "runs": [round(ms) for ms, _ in timings],
        }
        for name, timings in results.items()
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url", help="base URL of the server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", help="also time the map of this commit (e.g. 38ecf1d)")
    parser.add_argument("--no-floor", action="store_true", help="skip the floor (every point fetched and parsed)")
    args = parser.parse_args()
    results = time_map(args.url, runs=args.runs, floor=not args.no_floor, before=args.before)
    floor = results["floor"]["ms"] if "floor" in results else None
    for name, result in results.items():
        ratio = f"{result['ms'] / floor:5.2f} x floor" if floor else "  (no floor)"
        print(f"{name:7} {result['ms']:8.0f} ms  {ratio}  {result['bytes'] / 1000:8.0f} KB transferred")


if __name__ == "__main__":
    main()
