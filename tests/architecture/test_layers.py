"""The house has floors and imports only go down (docs/architecture.md, "Layers").

A short AST walk rather than import-linter: the rule is one table, and the walk also catches the
first-party imports hidden inside functions that were used to dodge cycles.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Each first-party package and its floor; a module may import its own floor and the ones below.
LAYERS = {
    "core": 0,
    "territories": 1,
    "directory": 2,
    "publications": 3,
    "proposals": 4,
    "apes_portal": 5,
}


def first_party_modules():
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield package, path


def imports_of(tree):
    """(imported top-level package, line, inside a function) for every import in `tree`.

    `AppConfig.ready()` is where Django wants signal handlers imported, so it does not count as a function.
    """
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            is_function = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and child.name != "ready"
            nested = in_function or is_function
            if isinstance(child, ast.Import):
                found.extend((alias.name.split(".")[0], child.lineno, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                found.append((child.module.split(".")[0], child.lineno, in_function))
            visit(child, nested)

    visit(tree, False)
    return found


def violations(package, path):
    tree = ast.parse(path.read_text(), filename=str(path))
    problems = []
    for imported, line, in_function in imports_of(tree):
        if imported not in LAYERS:
            continue
        where = f"{path.relative_to(ROOT)}:{line}"
        if LAYERS[imported] > LAYERS[package]:
            problems.append(f"{where}: {package} imports {imported}, which sits on a higher floor")
        elif in_function:
            problems.append(f"{where}: first-party import of {imported} inside a function")
    return problems


def test_every_package_of_the_layers_exists():
    assert all((ROOT / package / "__init__.py").exists() for package in LAYERS)


@pytest.mark.parametrize("package", list(LAYERS))
def test_imports_only_go_down(package):
    problems = [p for pkg, path in first_party_modules() if pkg == package for p in violations(pkg, path)]
    assert problems == []


def test_the_walk_sees_an_upward_import_and_one_hidden_in_a_function(tmp_path):
    """The guard itself: an upward import and a function-level import are both reported."""
    module = ROOT / "territories" / "_layer_probe.py"
    probe = tmp_path / "probe.py"
    probe.write_text("from directory.models import Organisation\n\ndef f():\n    from territories import models\n")
    tree = ast.parse(probe.read_text())
    assert imports_of(tree) == [("directory", 1, False), ("territories", 4, True)]
    module.write_text(probe.read_text())
    try:
        assert len(violations("territories", module)) == 2
    finally:
        module.unlink()
