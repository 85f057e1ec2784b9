"""Demo content of the directory: the sector taxonomy, the organisations named in the network's documents,
and synthetic organisations for scale tests (`seed_demo --organisations N`).

The content itself is data: fixtures/directory/sectors.json and fixtures/directory/organisations.json
(facts from the seeds, written in our own words). Idempotent: rows are matched on their slug.
"""

import datetime
import json
import random
from pathlib import Path

from django.db import transaction

from core.data import bump_data_version
from directory.models import Organisation, Sector
from territories.models import Commune, Epci, Theme

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "directory"
SYNTHETIC_PREFIX = "structure-d-essai-"
SYNTHETIC_NAME = "Structure d'essai n°{number}"
# The worst case of earlier benchmarks: one identical sentence in every row (`--worst-case-text`).
WORST_CASE_DESCRIPTION = "Organisation fictive créée pour les tests de charge de l'annuaire."
# Realistic names keep a marker that says they are fictitious.
REALISTIC_NAME = "{activity} {qualifier} (fictive n°{number})"

_CONTENT_FIELDS = [
    "name",
    "kind",
    "legal_form",
    "short_description",
    "description",
    "address",
    "postal_code",
    "email",
    "phone",
    "website",
    "facebook_url",
    "linkedin_url",
    "instagram_url",
    "is_member",
    "status",
]


def load(name):
    with open(FIXTURES / name, encoding="utf-8") as handle:
        return json.load(handle)


def seed_reference(log):
    sectors = load("sectors.json")
    for order, sector in enumerate(sectors):
        Sector.objects.update_or_create(slug=sector["slug"], defaults={"name": sector["name"], "order": order})
    log(f"{len(sectors)} activity sectors")


@transaction.atomic
def seed(log):
    rows = load("organisations.json")
    communes = Commune.objects.in_bulk([row["commune"] for row in rows], field_name="insee_code")
    epcis = Epci.objects.in_bulk(
        [row["represented_epci"] for row in rows if row.get("represented_epci")], field_name="siren"
    )
    sectors = Sector.objects.in_bulk(field_name="slug")
    themes = Theme.objects.in_bulk(field_name="slug")
    saved = {}
    for row in rows:
        defaults = {field: row.get(field, "") for field in _CONTENT_FIELDS}
        defaults["is_member"] = row.get("is_member", False)
        defaults["status"] = row.get("status", Organisation.Status.ACTIVE)
        defaults["closed_on"] = datetime.date.fromisoformat(row["closed_on"]) if row.get("closed_on") else None
        defaults["commune"] = communes.get(row["commune"])
        defaults["represented_epci"] = epcis.get(row.get("represented_epci"))
        defaults["is_published"] = True
        if defaults["commune"] is None:
            log(f"  ! {row['slug']}: commune {row['commune']} not loaded, left without a place")
        organisation, _ = Organisation.objects.update_or_create(slug=row["slug"], defaults=defaults)
        organisation.sectors.set([sectors[slug] for slug in row.get("sectors", []) if slug in sectors])
        organisation.themes.set([themes[slug] for slug in row.get("themes", []) if slug in themes])
        saved[row["slug"]] = organisation
    for row in rows:
        saved[row["slug"]].ptces.set([saved[slug] for slug in row.get("ptces", [])])
    log(f"{len(rows)} organisations ({sum(row['kind'] == 'ptce' for row in rows)} PTCE)")


def zipf_picker(randomiser, words):
    """A function drawing from `words` (most frequent first) with weights 1/rank, as words occur in real text."""
    weights = [1 / rank for rank in range(1, len(words) + 1)]
    return lambda: randomiser.choices(words, weights)[0]


class RealisticText:
    """Varied names, legal forms and descriptions drawn from fixtures/directory/synthetic_vocabulary.json."""

    def __init__(self, randomiser):
        vocabulary = load("synthetic_vocabulary.json")
        self.randomiser = randomiser
        self.pick = {key: zipf_picker(randomiser, vocabulary[key]) for key in vocabulary if key != "_comment"}

    def __call__(self, number, commune):
        activity, qualifier = self.pick["activities"](), self.pick["qualifiers"]()
        name = REALISTIC_NAME.format(activity=activity, qualifier=qualifier, number=number)
        actions = {self.pick["actions"]() for _ in range(self.randomiser.randint(1, 2))}
        description = f"{activity} qui {' et '.join(sorted(actions))} {self.pick['audiences']()}, à {commune.name}."
        return name, self.pick["legal_forms"](), description


def worst_case_text(number, commune):
    return SYNTHETIC_NAME.format(number=number), "", WORST_CASE_DESCRIPTION


def seed_synthetic(count, log, *, seed_value=2024, worst_case=False):
    """Add `count` clearly synthetic organisations spread over real communes, for scale tests.

    Names and descriptions are varied, with realistic word frequencies (`RealisticText`); `worst_case`
    gives every row the same sentence instead (every word in every row: the slowest search).
    bulk_create skips save(), so the search text and the coordinates (commune centre, jittered so
    that clusters look real) are computed here. Reruns continue the numbering.
    """
    communes = list(Commune.objects.only("id", "name", "latitude", "longitude"))
    if not communes:
        log("no communes loaded: load the geography first (seed_demo does)")
        return 0
    randomiser = random.Random(seed_value)
    text = worst_case_text if worst_case else RealisticText(randomiser)
    # No synthetic PTCE: the region counts 15 of them, and every PTCE is an option of the list's and
    # the map's "Membre du PTCE" filter; ~1,500 synthetic ones made those pages render a 1,500-option
    # select (164 KB of HTML, ~10x slower: bench/RESULTS.md), which no real directory would do.
    kinds = [value for value, _ in Organisation.Kind.choices if value != Organisation.Kind.PTCE]
    sector_ids = list(Sector.objects.values_list("id", flat=True))
    start = Organisation.objects.filter(slug__startswith=SYNTHETIC_PREFIX).count() + 1
    batch = []
    for number in range(start, start + count):
        commune = randomiser.choice(communes)
        name, legal_form, description = text(number, commune)
        organisation = Organisation(
            name=name,
            slug=f"{SYNTHETIC_PREFIX}{number}",
            kind=randomiser.choice(kinds),
            legal_form=legal_form,
            short_description=description,
            commune=commune,
            latitude=round(commune.latitude + randomiser.uniform(-0.01, 0.01), 5),
            longitude=round(commune.longitude + randomiser.uniform(-0.015, 0.015), 5),
            location_is_approximate=True,
            is_member=randomiser.random() < 0.05,
        )
        organisation.derive_texts()  # bulk_create does not call save(), which derives them
        batch.append(organisation)
    with transaction.atomic():
        created = Organisation.objects.bulk_create(batch, batch_size=2000)
        if sector_ids:
            through = Organisation.sectors.through
            links = [
                through(organisation_id=organisation.pk, sector_id=randomiser.choice(sector_ids))
                for organisation in created
            ]
            through.objects.bulk_create(links, batch_size=5000)
    bump_data_version()
    log(f"{len(created)} synthetic organisations ({batch[0].name if batch else ''} onwards)")
    return len(created)
