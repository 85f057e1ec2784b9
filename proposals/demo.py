"""Demo content of the proposals app: the Municipales 2026 campaign written from the network's brochure.

The text lives in fixtures/proposals/*.json. Examples are linked by slug to organisations,
initiatives and publications seeded by the other apps; a slug may be a list of alternative
spellings. A missing example is logged and skipped, never an error (the other apps' demo
content may change independently).

`seed_examples` adds a few plainly fictional commitments ("Liste exemple …", flagged `is_example`,
shown with an "Exemple de démonstration" banner) so the follow-up can be seen working; `seed_demo
--no-examples` leaves them out. They never carry a real person's name.
"""

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from directory.models import Organisation, Sector
from proposals.models import Axis, Campaign, Commitment, CommitmentUpdate, Proposal
from publications.models import Publication
from territories.models import Commune, Epci, Initiative, Theme

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
        "first_round_on": info.get("first_round_on"),
        "second_round_on": info.get("second_round_on"),
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


def _example_territory(item):
    commune = Commune.objects.filter(insee_code=item["commune"]).first() if item.get("commune") else None
    epci = commune.epci if commune else Epci.objects.filter(siren=item.get("epci", "")).first()
    return commune, epci


@transaction.atomic
def seed_examples(log):
    """The fictional example commitments of each campaign file, with their follow-up (idempotent)."""
    for path in sorted(FIXTURES.glob("*.json")):
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
        campaign = Campaign.objects.filter(slug=data["campaign"]["slug"]).first()
        if campaign is None:
            continue
        for item in data.get("examples", []):
            commune, epci = _example_territory(item)
            if commune is None and epci is None:
                log(f"  example {item['key']} skipped: its territory is not loaded")
                continue
            commitment, _ = Commitment.objects.update_or_create(
                campaign=campaign,
                email=f"{item['key']}@invalid.example",
                defaults={
                    "full_name": item["full_name"],
                    "kind": item["kind"],
                    "role": item["role"],
                    "commune": commune,
                    "epci": epci,
                    "status": Commitment.Status.VALIDATED,
                    "validated_at": timezone.now(),
                    "is_example": True,
                },
            )
            proposals = {p.slug: p for p in Proposal.objects.filter(slug__in=item["proposals"])}
            commitment.proposals.set(proposals.values())
            commitment.updates.all().delete()
            for update in item.get("updates", []):
                CommitmentUpdate.objects.create(
                    commitment=commitment,
                    proposal=proposals.get(update["proposal"]),
                    date=datetime.date.fromisoformat(update["date"]),
                    status=update["status"],
                    note=update["note"],
                    evidence_url=update.get("evidence_url", ""),
                    evidence_label=update.get("evidence_label", ""),
                )
            log(f"example commitment {item['key']}: {len(proposals)} measures")


def remove_examples(log):
    """`seed_demo --no-examples`: the example commitments are left out (removed if an earlier run added them)."""
    count, _ = Commitment.objects.filter(is_example=True).delete()
    if count:
        log(f"example commitments removed ({count} rows)")
