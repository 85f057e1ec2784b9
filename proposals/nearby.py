""" "Near me": find the commune or EPCI a visitor names, and put that territory's examples first.

Communes are looked up by INSEE code, postal code or name (accents, case and punctuation
ignored). The name fallback folds the ~3,800 commune names in Python: it only runs when the
exact (case-insensitive) database match fails, on one request at a time, and needs no
database-specific function (same behaviour on SQLite and PostgreSQL).
"""

import re
from dataclasses import dataclass, field

from core.text import normalize
from territories.models import Commune, Epci

MAX_SUGGESTIONS = 8
_CODE = re.compile(r"^\d[\dAB]\d{3}$", re.IGNORECASE)
# "Marly (59)" or "Marly (59770)": a department code or a postal code after the name.
_SUFFIX = re.compile(r"^(?P<name>.+?)\s*\((?P<code>\d[\dAB]?|\d{5})\)$", re.IGNORECASE)


@dataclass
class CommuneLookup:
    """The outcome of a commune search: one commune, several candidates, or nothing."""

    query: str
    commune: Commune | None = None
    candidates: list = field(default_factory=list)

    @property
    def is_ambiguous(self):
        return self.commune is None and bool(self.candidates)

    @property
    def not_found(self):
        return self.commune is None and not self.candidates


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


def find_commune(query):
    """Resolve a free-text commune: a postal or INSEE code, "Nom", "Nom (62)" or "Nom (62160)".

    A five-digit number may be the INSEE code of one commune and the postal code of others
    (546 such codes in Hauts-de-France): all of them are then offered as candidates.
    """
    query = " ".join((query or "").split())
    lookup = CommuneLookup(query=query)
    if not query:
        return lookup
    communes = Commune.objects.select_related("epci", "department").order_by("name", "insee_code")
    if _CODE.match(query):
        code = query.upper()
        found = {c.pk: c for c in communes.with_postal_code(code)}
        found.update({c.pk: c for c in communes.filter(insee_code=code)})
        return _resolve(lookup, sorted(found.values(), key=lambda c: (c.name, c.insee_code)))

    name, code = query, None
    match = _SUFFIX.match(query)
    if match:
        name, code = match["name"], match["code"].upper()
    exact = communes.filter(name__iexact=name)
    if code and len(code) == 5:
        found = exact.with_postal_code(code)
    elif code:
        found = list(exact.filter(department__code=code))
    else:
        found = list(exact[: MAX_SUGGESTIONS + 1])
    if found:
        return _resolve(lookup, found)

    folded = normalize(name)
    if not folded:
        return lookup
    names = Commune.objects.values_list("pk", "name")
    if code and len(code) < 5:
        names = names.filter(department__code=code)
    equal, prefixed = [], []
    for pk, commune_name in names:
        candidate = normalize(commune_name)
        if candidate == folded:
            equal.append(pk)
        elif candidate.startswith(folded):
            prefixed.append(pk)
    pks = equal or prefixed[: MAX_SUGGESTIONS + 1]
    found = list(communes.filter(pk__in=pks)) if pks else []
    if code and len(code) == 5:
        found = [c for c in found if code in c.postal_codes]
    if equal:
        return _resolve(lookup, found)
    lookup.candidates = found[:MAX_SUGGESTIONS]
    return lookup


def _resolve(lookup, found):
    if len(found) == 1:
        lookup.commune = found[0]
    else:
        lookup.candidates = found[:MAX_SUGGESTIONS]
    return lookup


def find_epci(siren):
    """The EPCI with this SIREN, or None for anything else (malformed or unknown)."""
    siren = (siren or "").strip()
    if not siren.isdigit() or len(siren) != 9:
        return None
    return Epci.objects.filter(siren=siren).first()


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
        if self.commune:
            return f"insee={self.commune.insee_code}"
        return f"epci={self.epci.siren}" if self.epci else ""

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
