"""Load the real geography and the demo content written from the network's documents.

Idempotent: rerunning it updates the same rows (content is matched on slugs and codes).
Each app contributes a `demo` module; this command calls them in dependency order, in three
phases: `seed_reference()` (taxonomies other apps point at), `seed()` (content), then the fictional
examples: `seed_examples()`, or `remove_examples()` with `--no-examples`. A demo module defines the
phases it has a part in.
"""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from core.data import SOURCES, bump_data_version, bumps_collected
from directory.demo import seed_synthetic

# Order matters. Reference data first: geography and themes, then sectors. Content next:
# organisations point at themes and communes; dynamics and initiatives at organisations;
# publications at dynamics; proposals at everything.
REFERENCE_ORDER = ["territories", "apes_portal", "directory", "publications", "proposals"]
SEED_ORDER = ["apes_portal", "directory", "territories", "publications", "proposals"]
PHASES = [("seed_reference", REFERENCE_ORDER), ("seed", SEED_ORDER)]
# Last, on all that content: the examples, or their removal. Each example step reports what it writes.
EXAMPLES = ("seed_examples", SEED_ORDER)
NO_EXAMPLES = ("remove_examples", SEED_ORDER)


class Command(BaseCommand):
    help = "Load geography and demo content (idempotent). --organisations N adds N synthetic organisations."

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisations",
            type=int,
            default=0,
            help="Also create this many synthetic organisations spread over real communes (scale tests).",
        )
        parser.add_argument(
            "--no-examples",
            action="store_true",
            help="Leave out the fictional example commitments that show the follow-up of the term.",
        )
        parser.add_argument(
            "--worst-case-text",
            action="store_true",
            help="Give every synthetic organisation the same sentence (every word in every row), not varied text.",
        )

    def log(self, message):
        if self.verbosity >= 1:
            self.stdout.write(f"  {message}")

    def handle(self, *args, organisations=0, worst_case_text=False, verbosity=1, no_examples=False, **options):
        self.verbosity = verbosity
        # The saves' signals and the bump below: one data-version write per source for the whole seed.
        with transaction.atomic(), bumps_collected():
            for phase, order in PHASES:
                self.run_phase(phase, order)
            self.run_phase(*(NO_EXAMPLES if no_examples else EXAMPLES), announce=False)
            # The phases bulk-create rows (no signals): every public page changes.
            bump_data_version(*SOURCES)
        if organisations:
            seed_synthetic(organisations, self.log, worst_case=worst_case_text)
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))

    def run_phase(self, phase, order, announce=True):
        """Call `phase(log)` of each app's demo module that defines it, in `order`."""
        for app in order:
            if not module_has_submodule(import_module(app), "demo"):
                continue
            module = import_module(f"{app}.demo")
            step = getattr(module, phase, None)
            if step is not None:
                if announce:
                    self.log(f"{module.__name__}.{phase}")
                step(self.log)
