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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        # The manifest is read when the storage opens and stays as it is while the process serves pages, so
        # a file's URL is worked out once (name lookup, quoting, joining to STATIC_URL), not on every page:
        # the base layout alone names four files. A name missing from the manifest still raises each time.
        if force:
            return super().url(name, force)
        if name not in self._urls:
            self._urls[name] = super().url(name)
        return self._urls[name]

    def post_process(self, *args, **kwargs):
        # collectstatic writes a new manifest: URLs worked out from the old one no longer hold.
        yield from super().post_process(*args, **kwargs)
        self._urls.clear()
