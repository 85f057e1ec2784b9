"""`manage.py seed_demo`: every step comes from the apps' demo modules, phase by phase, examples last."""

import io
from importlib import import_module

import pytest
from django.core.management import call_command

from core.data import SOURCES
from tests.data_versions import data_version_writes

pytestmark = pytest.mark.django_db

APPS = ["territories", "apes_portal", "directory", "publications", "proposals"]
STEPS = ["seed_reference", "seed", "seed_examples", "remove_examples"]


@pytest.fixture
def steps(monkeypatch):
    """Each demo step the command calls, as "app.phase", in order (the real ones are not run)."""
    calls = []
    for app in APPS:
        module = import_module(f"{app}.demo")
        for phase in STEPS:
            if hasattr(module, phase):
                monkeypatch.setattr(module, phase, lambda log, name=f"{app}.{phase}": calls.append(name))
    return calls


def seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_the_examples_are_the_last_phase(steps):
    output = seed()
    assert steps == [
        "territories.seed_reference",
        "directory.seed_reference",
        "apes_portal.seed",
        "directory.seed",
        "territories.seed",
        "publications.seed",
        "proposals.seed",
        "proposals.seed_examples",
    ]
    # Each content step is announced; the example steps report what they write themselves.
    assert "  proposals.demo.seed\n" in output and "seed_examples" not in output


def test_no_examples_runs_their_removal_instead(steps):
    seed("--no-examples")
    assert steps[-1] == "proposals.remove_examples"
    assert "proposals.seed_examples" not in steps


def test_the_seed_writes_each_data_version_once(steps):
    with data_version_writes() as writes:
        seed()
    assert len(writes) == len(SOURCES)
