"""Demo content of the proposals app: the Municipales 2026 campaign written from the network's brochure.

The text lives in fixtures/proposals/*.json. Examples are linked by slug to organisations,
initiatives and publications seeded by the other apps; a slug may be a list of alternative
spellings. A missing example is logged and skipped, never an error (the other apps' demo
content may change independently).
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from directory.models import Organisation, Sector
from proposals.models import Axis, Campaign, Proposal
from publications.models import Publication
from territories.models import Initiative, Theme

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "proposals"


def paragraphs(value):
    """JSON keeps long texts as lists of paragraphs; the models store them separated by a blank line."""
    return "\n\n".join(value) if isinstance(value, list) else value


def resolve(model, wanted, missing, label):
    """The objects of `model` matching `wanted` slugs; each item is a slug or a list of alternatives."""
    groups = [item if isinstance(item, list) else [item] for item in wanted]
    slugs = {slug for group in groups for slug in group}
    found = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)}
    objects = []
    for group in groups:
        matches = [found[slug] for slug in group if slug in found]
        if matches:
            objects.append(matches[0])
        else:
            missing.append(f"{label} {' | '.join(group)}")
    return objects


@transaction.atomic
def seed_campaign(data, log):
    missing = []
    info = data["campaign"]
    defaults = {
        "title": info["title"],
        "year": info["year"],
        "summary": info.get("summary", ""),
        "introduction": paragraphs(info["introduction"]),
        "context": paragraphs(info.get("context", "")),
    }
    if info.get("brochure"):
        brochures = resolve(Publication, [info["brochure"]], missing, "publication")
        defaults["brochure"] = brochures[0] if brochures else None
    campaign, _ = Campaign.objects.update_or_create(slug=info["slug"], defaults=defaults)

    proposal_count = 0
    for axis_order, axis_data in enumerate(data["axes"], start=1):
        axis, _ = Axis.objects.update_or_create(
            campaign=campaign,
            slug=axis_data["slug"],
            defaults={
                "order": axis_order,
                "title": axis_data["title"],
                "introduction": paragraphs(axis_data.get("introduction", "")),
            },
        )
        for order, item in enumerate(axis_data["proposals"], start=1):
            proposal, _ = Proposal.objects.update_or_create(
                slug=item["slug"],
                defaults={"axis": axis, "order": order, "title": item["title"], "text": paragraphs(item["text"])},
            )
            proposal.themes.set(resolve(Theme, item.get("themes", []), missing, "thématique"))
            proposal.sectors.set(resolve(Sector, item.get("sectors", []), missing, "secteur"))
            proposal.example_organisations.set(
                resolve(Organisation, item.get("organisations", []), missing, "organisation")
            )
            proposal.example_initiatives.set(resolve(Initiative, item.get("initiatives", []), missing, "initiative"))
            proposal.publications.set(resolve(Publication, item.get("publications", []), missing, "publication"))
            proposal_count += 1
    log(f"campaign {campaign.slug}: {len(data['axes'])} axes, {proposal_count} proposals")
    for item in missing:
        log(f"  not linked (absent from the demo content): {item}")
    return campaign, missing


def seed(log):
    for path in sorted(FIXTURES.glob("*.json")):
        with path.open(encoding="utf-8") as handle:
            seed_campaign(json.load(handle), log)
