#!/usr/bin/env bash
# Refresh the third-party front-end files vendored under static/vendor/ (never served from a CDN).
# Each library comes from its npm package via `npm pack` (the registry tarball, checksummed by npm),
# with its licence and source maps (collectstatic's manifest storage fails on a missing .map).
# Usage: scripts/vendor.sh   (needs npm and network access to the npm registry; run by developers only)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# vendor_npm PACKAGE VERSION FILE... : copy FILEs (paths inside the package) to static/vendor/PACKAGE-VERSION/
vendor_npm() {
    local package="$1" version="$2"
    shift 2
    local target="$ROOT/static/vendor/$package-$version"
    (cd "$WORK" && npm pack --silent "$package@$version" >/dev/null && mkdir -p "$package" && tar xzf "$package-$version.tgz" -C "$package")
    rm -rf "$target"
    mkdir -p "$target"
    for file in "$@"; do
        install -m 644 "$WORK/$package/package/$file" "$target/"
    done
    echo "vendored $package $version into ${target#"$ROOT/"}"
}

# Leaflet.markercluster (MIT), clustering for the directory map; fits the Leaflet 1.9 shipped by django-leaflet.
vendor_npm leaflet.markercluster 1.5.3 \
    MIT-LICENCE.txt \
    dist/leaflet.markercluster.js \
    dist/leaflet.markercluster.js.map \
    dist/MarkerCluster.css \
    dist/MarkerCluster.Default.css

# Supercluster (ISC), point clustering for the directory map; its UMD build bundles kdbush (ISC), whose licence
# goes next to it.
vendor_npm supercluster 8.0.1 \
    LICENSE \
    dist/supercluster.min.js
(cd "$WORK" && npm pack --silent kdbush@4.0.2 >/dev/null && mkdir -p kdbush && tar xzf kdbush-4.0.2.tgz -C kdbush)
install -m 644 "$WORK/kdbush/package/LICENSE" "$ROOT/static/vendor/supercluster-8.0.1/LICENSE-kdbush"

# axe-core (MPL-2.0; bundled helpers under MIT, see LICENSE-3RD-PARTY.txt): accessibility rules injected by the
# browser tests (tests/browser/a11y.py) only, never loaded by a public page.
vendor_npm axe-core 4.14.1 \
    LICENSE \
    LICENSE-3RD-PARTY.txt \
    axe.min.js

# HTML_CodeSniffer (BSD-3-Clause): a second WCAG 2 AA engine run beside axe by the browser tests
# (tests/browser/htmlcs.py) only, never loaded by a public page.
vendor_npm html_codesniffer 2.5.1 \
    licence.txt \
    build/HTMLCS.js
