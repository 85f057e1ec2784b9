""" "Near me": the territory a visitor chose, and that territory's examples first.

Communes typed by the visitor are found by `Commune.objects.lookup()` (the portal's one commune search).
"""

import re
from dataclasses import dataclass

from django.utils.http import urlencode

from territories.models import Commune, Epci

_CODE = re.compile(r"^\d[\dAB]\d{3}$", re.IGNORECASE)


def commune_label(commune):
    """How a commune is written so that typing it back finds it alone: "Marly (59770)"."""
    code = commune.postal_codes[0] if commune.postal_codes else commune.insee_code[:2]
    return f"{commune.name} ({code})"


def find_commune_by_insee(code):
    """The commune with this INSEE code (the unambiguous `?insee=` of shared links), or None."""
    code = (code or "").strip().upper()
    if not _CODE.match(code):
        return None
    return Commune.objects.select_related("epci", "department").filter(insee_code=code).first()


@dataclass(frozen=True)
class Place:
    """Where an example is: the ids of its communes, EPCI and departments."""

    communes: frozenset = frozenset()
    epcis: frozenset = frozenset()
    departments: frozenset = frozenset()


def place_of_organisation(organisation):
    """Needs `commune` selected (select_related) to avoid a query per organisation."""
    commune = organisation.commune
    if commune is None:
        return Place()
    return Place(
        frozenset({commune.pk}),
        frozenset({commune.epci_id} - {None}),
        frozenset({commune.department_id}),
    )


def place_of_initiative(initiative):
    """Needs `communes`, `epcis` and `departments` prefetched."""
    communes = list(initiative.communes.all())
    epcis = list(initiative.epcis.all())
    return Place(
        frozenset(c.pk for c in communes),
        frozenset({e.pk for e in epcis} | {c.epci_id for c in communes if c.epci_id}),
        frozenset(
            {d.pk for d in initiative.departments.all()}
            | {c.department_id for c in communes}
            | {e.department_id for e in epcis}
        ),
    )


@dataclass
class Territory:
    """The place a visitor chose: a commune (and its EPCI) or an EPCI alone."""

    commune: Commune | None = None
    epci: Epci | None = None

    def __bool__(self):
        return self.commune is not None or self.epci is not None

    @property
    def name(self):
        if self.commune:
            return self.commune.name
        return self.epci.name if self.epci else ""

    @property
    def department_id(self):
        if self.commune:
            return self.commune.department_id
        return self.epci.department_id if self.epci else None

    @property
    def query_string(self):
        """The query that names this territory on the campaign page (share links), percent-encoded."""
        if self.commune:
            return urlencode({"insee": self.commune.insee_code})
        return urlencode({"epci": self.epci.siren}) if self.epci else ""

    def proximity(self, place):
        """0 = in the chosen commune, 1 = in its EPCI, 2 = in its department, 3 = elsewhere."""
        if self.commune and self.commune.pk in place.communes:
            return 0
        if self.epci and self.epci.pk in place.epcis:
            return 1
        if self.department_id in place.departments:
            return 2
        return 3


NEARBY_RANK = 1  # commune or EPCI: what the page calls "près de chez vous"


def territory_for(commune=None, epci=None):
    if commune is not None:
        return Territory(commune=commune, epci=commune.epci)
    return Territory(epci=epci)


def order_by_proximity(examples, territory, locate):
    """Stable-sort `examples` so the chosen territory's come first.

    `locate(example)` returns its `Place`; each example gets an `is_nearby` attribute for the
    template. Without a territory the editorial order is kept.
    """
    if not territory:
        for example in examples:
            example.is_nearby = False
        return list(examples)
    ranked = []
    for position, example in enumerate(examples):
        rank = territory.proximity(locate(example))
        example.is_nearby = rank <= NEARBY_RANK
        ranked.append((rank, position, example))
    ranked.sort(key=lambda item: item[:2])
    return [example for _, _, example in ranked]
