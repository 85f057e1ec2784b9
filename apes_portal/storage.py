"""The static files storage production serves: whitenoise's compressed, hashed files, with ES module imports hashed too.

Django's manifest storage rewrites `url(...)` in CSS and source maps, but leaves `import "./map.js"` alone unless
`support_js_module_import_aggregation` is on (Django 4.2+). Without it, `directory-map.<hash>.js` would import the
unhashed `map.js`, served with a short cache: across a deploy a browser could run a new module against an old import.
With it, every relative `import`/`export … from` of a first-party module names the hashed file, so one page load
runs one consistent set of modules. `tests/site/test_static.py` collects the files and checks it.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedModulesStaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
