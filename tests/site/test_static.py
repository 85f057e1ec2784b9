"""The static files as production collects them: every first-party ES module imports hashed modules only.

A hashed module that imports `./map.js` (unhashed, served with a short cache) can meet an older or newer
`map.js` across a deploy; the manifest storage must rewrite each import to the hashed name it collected.
"""

import json
import posixpath
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from apes_portal.storage import HashedModulesStaticFilesStorage

FIRST_PARTY_MODULES = sorted(path.name for path in (Path(settings.BASE_DIR) / "static" / "js").glob("*.js"))
# Static and dynamic imports and re-exports with a relative path: what a browser fetches next.
MODULE_IMPORT = re.compile(
    r"""(?:\bimport\s*(?:[\w*{}\s,]+?\s*from\s*)?|\bexport\s*[\w*{}\s,]+?\s*from\s*|\bimport\s*\(\s*)["'](\.{1,2}/[^"']+)["']"""
)


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """collectstatic with the production storage into a temporary STATIC_ROOT; returns (root, manifest paths)."""
    root = tmp_path_factory.mktemp("static")
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "apes_portal.storage.HashedModulesStaticFilesStorage"}}
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((root / "staticfiles.json").read_text(encoding="utf-8"))["paths"]
    return root, manifest


def imports_of(path):
    return MODULE_IMPORT.findall(path.read_text(encoding="utf-8"))


def test_the_pattern_sees_every_form_of_import_the_modules_use(tmp_path):
    module = tmp_path / "probe.js"
    module.write_text(
        'import "./a.js";\nimport { b } from "./b.js";\nimport * as c from "../c.js";\n'
        'export { d } from "./d.js";\nconst e = await import("./e.js");\n',
        encoding="utf-8",
    )
    assert imports_of(module) == ["./a.js", "./b.js", "../c.js", "./d.js", "./e.js"]


def test_first_party_modules_are_all_hashed(collected):
    _, manifest = collected
    missing = [name for name in FIRST_PARTY_MODULES if f"js/{name}" not in manifest]
    assert FIRST_PARTY_MODULES and not missing


@pytest.mark.parametrize("name", FIRST_PARTY_MODULES)
def test_hashed_module_imports_only_hashed_first_party_modules(collected, name):
    root, manifest = collected
    hashed = root / manifest[f"js/{name}"]
    hashed_names = set(manifest.values())
    for url in imports_of(hashed):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(manifest[f"js/{name}"]), url))
        assert target in hashed_names, f"{hashed.name} imports {url}, which is not a hashed file"


def test_the_map_page_module_chain_is_hashed_end_to_end(collected):
    """The map page loads directory-map.js; what it imports (and map.js in turn) names hashed files."""
    root, manifest = collected
    directory_map = imports_of(root / manifest["js/directory-map.js"])
    assert f"./{Path(manifest['js/map.js']).name}" in directory_map
    assert f"./{Path(manifest['js/directory-filters.js']).name}" in directory_map
    assert imports_of(root / manifest["js/map.js"]) == [f"./{Path(manifest['js/leaflet-fr.js']).name}"]


def test_pages_link_the_collected_files_by_their_hashed_names(collected):
    """The URL a page writes for a file is the hashed one, on every page, and an uncollected name still fails."""
    root, manifest = collected
    with override_settings(STATIC_ROOT=root):
        storage = HashedModulesStaticFilesStorage()
        for _page in range(2):
            assert storage.url("css/site.css") == f"{settings.STATIC_URL}{manifest['css/site.css']}"
        for _page in range(2):
            with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
                storage.url("css/not-collected.css")
