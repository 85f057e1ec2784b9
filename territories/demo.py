"""Demo content of the territories app.

`seed_reference`: the real geography and the network's nine themes. `seed`: the dynamics and their
timelines, partner authorities, key figures and inspiring initiatives, kept as data in
fixtures/territories/*.json (written in French from the documents in the shared seeds).
"""

import datetime
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from core.data import bump_data_version
from core.dates import DatePrecision
from territories.geography.fixture import load_geography
from territories.models import (
    Commune,
    Department,
    Dynamic,
    Epci,
    Initiative,
    Partnership,
    TerritoryFigure,
    Theme,
    TimelineEvent,
)

INITIATIVES_SOURCE = (
    "Panorama régional de l'inclusion dans l'emploi n° 3, « Économie locale et solidaire », "
    "DREETS Hauts-de-France, juillet 2025"
)

# The nine themes of the network's 2020 map of territorial dynamics, in its own order.
THEMES = [
    (
        "production-locale",
        "Production locale utile, solidaire et soutenable",
        "#2f6f5e",
        "Produire près de chez soi ce dont le territoire a besoin, en respectant les personnes et les ressources.",
    ),
    (
        "commande-publique-responsable",
        "Commande publique responsable",
        "#7a4b9a",
        "Faire des achats des collectivités un levier pour l'emploi local et les entreprises solidaires.",
    ),
    (
        "cooperations-economiques-territoriales",
        "Coopérations économiques territoriales",
        "#b5462f",
        "Réunir entreprises, associations et collectivités autour de projets économiques communs.",
    ),
    (
        "mise-en-recit",
        "Mise en récit",
        "#a86b00",
        "Raconter les initiatives d'un territoire pour donner envie d'agir et faire reconnaître l'économie solidaire.",
    ),
    (
        "immobilier-activite",
        "Immobilier d'activité",
        "#5b6770",
        "Trouver et garder des locaux abordables pour les activités d'utilité sociale.",
    ),
    (
        "transition-ecologique",
        "Transition écologique",
        "#3f7d20",
        "Accompagner les initiatives qui réduisent l'empreinte écologique des territoires.",
    ),
    (
        "richesses-humaines",
        "Richesses humaines",
        "#b03a6b",
        "Valoriser les compétences, l'engagement et l'emploi de qualité dans les structures solidaires.",
    ),
    (
        "impact-social",
        "Impact social",
        "#1f6aa5",
        "Mesurer et montrer ce que les activités solidaires changent pour les personnes et les territoires.",
    ),
    (
        "nouveaux-modeles-economiques",
        "Nouveaux modèles économiques",
        "#8a5a44",
        "Imaginer des modèles qui hybrident ressources marchandes, publiques et bénévoles.",
    ),
]


def seed_themes():
    for order, (slug, name, colour, text) in enumerate(THEMES):
        Theme.objects.update_or_create(
            slug=slug, defaults={"name": name, "colour": colour, "short_description": text, "order": order}
        )
    return len(THEMES)


def seed_reference(log):
    counts = load_geography()
    log(f"geography: {counts}")
    log(f"{seed_themes()} themes")


# ----------------------------------------------------------------------------------------------------------------
# Content: dynamics and their timelines, partnerships, key figures, inspiring initiatives (fixtures/territories/)
# ----------------------------------------------------------------------------------------------------------------

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "territories"


def _load(name):
    with open(FIXTURES_DIR / name, encoding="utf-8") as handle:
        return json.load(handle)


def parse_date(text):
    """A fixture date ("2017", "2018-11" or "2023-07-01") as (date, precision)."""
    parts = [int(part) for part in str(text).split("-")]
    if len(parts) == 1:
        return datetime.date(parts[0], 1, 1), DatePrecision.YEAR
    if len(parts) == 2:
        return datetime.date(parts[0], parts[1], 1), DatePrecision.MONTH
    return datetime.date(*parts), DatePrecision.DAY


class Linker:
    """Looks objects up by natural key, remembering what was missing (organisations come from the directory)."""

    def __init__(self):
        self.epcis = {e.siren: e for e in Epci.objects.defer("boundary")}
        self.communes = {}
        self.themes = {t.slug: t for t in Theme.objects.all()}
        self.departments = {d.code: d for d in Department.objects.all()}
        self.missing = defaultdict(set)

    def organisations(self, slugs):
        # The model the partner links point at ("directory.Organisation"), without importing the app above.
        organisation_model = Dynamic._meta.get_field("partners").related_model
        found = {o.slug: o for o in organisation_model.objects.filter(slug__in=slugs)}
        self.missing["organisations"].update(set(slugs) - set(found))
        return [found[slug] for slug in slugs if slug in found]

    def organisation(self, slug):
        found = self.organisations([slug]) if slug else []
        return found[0] if found else None

    def many(self, kind, keys):
        if kind == "communes":
            found = {c.insee_code: c for c in Commune.objects.filter(insee_code__in=keys)}
        else:
            found = getattr(self, kind)
        self.missing[kind].update(set(keys) - set(found))
        return [found[key] for key in keys if key in found]


def seed_initiatives(linker):
    for order, data in enumerate(_load("initiatives.json")):
        initiative, _ = Initiative.objects.update_or_create(
            slug=data["slug"],
            defaults={
                "title": data["title"],
                "kind": data["kind"],
                "challenge": data.get("challenge", ""),
                "summary": data["summary"],
                "context": data.get("context", ""),
                "objectives": data.get("objectives", ""),
                "description": data.get("description", ""),
                "impact": data.get("impact", ""),
                "partners_text": data.get("partners_text", ""),
                "vigilance": data.get("vigilance", ""),
                "success_keys": data.get("success_keys", ""),
                "funding": data.get("funding", ""),
                "contact": data.get("contact", ""),
                "contact_email": data.get("contact_email", ""),
                "source": INITIATIVES_SOURCE,
                "order": order,
                "is_published": True,
            },
        )
        initiative.themes.set(linker.many("themes", data["themes"]))
        initiative.organisations.set(linker.organisations(data["organisations"]))
        initiative.epcis.set(linker.many("epcis", data["epcis"]))
        initiative.communes.set(linker.many("communes", data["communes"]))
        initiative.departments.set(linker.many("departments", data["departments"]))
    return order + 1


def seed_dynamics(linker):
    count = 0
    for data in _load("dynamics.json"):
        dynamic, _ = Dynamic.objects.update_or_create(
            slug=data["slug"],
            defaults={
                "title": data["title"],
                "theme": linker.themes[data["theme"]],
                "summary": data["summary"],
                "description": data["description"],
                "start_year": data["start_year"],
                "end_year": data["end_year"],
                "phase": data["phase"],
                "is_published": True,
            },
        )
        dynamic.epcis.set(linker.many("epcis", data["epcis"]))
        dynamic.communes.set(linker.many("communes", data["communes"]))
        dynamic.partners.set(linker.organisations(data["partners"]))
        dynamic.initiatives.set(Initiative.objects.filter(slug__in=data["initiatives"]))
        # The timeline is content of the fixture: replace it as a whole.
        dynamic.events.all().delete()
        events = []
        for event in data["events"]:
            date, precision = parse_date(event["date"])
            events.append(
                TimelineEvent(
                    dynamic=dynamic,
                    date=date,
                    date_precision=precision,
                    title=event["title"],
                    description=event.get("description", ""),
                    involvement=event.get("involvement", ""),
                    is_network_action=event.get("network_action", False),
                    order=event.get("order", 0),
                )
            )
        TimelineEvent.objects.bulk_create(events)
        bump_data_version("territories")  # bulk_create sends no signal
        count += 1
    return count


def seed_partnerships(linker):
    for order, data in enumerate(_load("partnerships.json")):
        defaults = {
            "organisation": linker.organisation(data.get("organisation")),
            "start_year": data["start_year"],
            "end_year": data["end_year"],
            "description": data["description"],
            "order": order,
        }
        if data.get("epci"):
            epci = linker.many("epcis", [data["epci"]])
            if not epci:
                continue
            Partnership.objects.update_or_create(epci=epci[0], defaults={**defaults, "authority_name": ""})
        else:
            department = linker.many("departments", [data["department"]])
            Partnership.objects.update_or_create(
                authority_name=data["authority_name"],
                defaults={**defaults, "department": department[0] if department else None},
            )
    return order + 1


def seed_figures(linker):
    for data in _load("figures.json"):
        as_of, precision = parse_date(data["as_of"])
        lookup = {"epci": None, "department": None, "theme": None, "label": data["label"]}
        if data["scope"] == "epci":
            epci = linker.many("epcis", [data["territory"]])
            if not epci:
                continue
            lookup["epci"] = epci[0]
        elif data["scope"] == "theme":
            lookup["theme"] = linker.themes[data["theme"]]
        TerritoryFigure.objects.update_or_create(
            **lookup,
            defaults={
                "value": Decimal(data["value"]),
                "unit": data["unit"],
                "source": data["source"],
                "as_of": as_of,
                "as_of_precision": precision,
                "order": data["order"],
            },
        )
    return len(_load("figures.json"))


def seed(log):
    """Dynamics, initiatives, partnerships and key figures written from the network's documents.

    Organisations are linked by slug when the directory's demo content has them; missing slugs are
    logged and skipped, and a later run (after the directory's seed) links them.
    """
    linker = Linker()
    log(f"{seed_initiatives(linker)} initiatives")
    log(f"{seed_dynamics(linker)} dynamics with their timelines")
    log(f"{seed_partnerships(linker)} partnerships")
    log(f"{seed_figures(linker)} key figures")
    for kind, keys in sorted(linker.missing.items()):
        if keys:
            log(f"not found, skipped ({kind}): {', '.join(sorted(keys))}")
