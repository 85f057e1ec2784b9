"""Geography of Hauts-de-France: departments, EPCI, communes, and the network's themes.

Built from official sources by `build_geography` and loaded by `seed_demo`; see docs/data.md.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import models
from django.urls import reverse

from core.text import normalize

MAX_COMMUNE_CANDIDATES = 8
#: Commune names folded once per process: folding is a pure function of the name, so this memo can never be
#: stale; it spares an autocomplete 3,782 Unicode decompositions per keystroke.
folded_name = lru_cache(maxsize=8192)(normalize)
_CODE = re.compile(r"^\d[\dAB]\d{3}$", re.IGNORECASE)
# "Marly (59)" or "Marly (59770)": a department code or a postal code after the name.
_SUFFIX = re.compile(r"^(?P<name>.+?)\s*\((?P<code>\d[\dAB]?|\d{5})\)$", re.IGNORECASE)


class Department(models.Model):
    code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "département"
        verbose_name_plural = "départements"

    def __str__(self):
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    """An intercommunal body (établissement public de coopération intercommunale)."""

    class Kind(models.TextChoices):
        CC = "CC", "Communauté de communes"
        CA = "CA", "Communauté d'agglomération"
        CU = "CU", "Communauté urbaine"
        METRO = "METRO", "Métropole"

    siren = models.CharField("SIREN", max_length=9, unique=True)
    name = models.CharField("nom", max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField("type", max_length=5, choices=Kind.choices)
    population = models.PositiveIntegerField("population", default=0)
    department = models.ForeignKey(
        Department,
        verbose_name="département principal",
        on_delete=models.PROTECT,
        related_name="epcis",
        help_text="Le département qui compte le plus de ses communes.",
    )
    boundary = models.JSONField("contour (GeoJSON)", null=True, blank=True)
    centroid_latitude = models.FloatField("latitude du centre", null=True, blank=True)
    centroid_longitude = models.FloatField("longitude du centre", null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("territories:epci-detail", kwargs={"slug": self.slug})


class CommuneQuerySet(models.QuerySet):
    def with_postal_code(self, code):
        """The communes served by a postal code, as a list.

        `postal_codes` is a JSON list: `icontains` is a text match on both databases, so the exact
        code is checked in Python.
        """
        return [commune for commune in self.filter(postal_codes__icontains=code) if code in commune.postal_codes]

    def named(self, text):
        """The communes whose name equals `text` once case, accents and punctuation are folded.

        Names are folded in Python (PostgreSQL cannot index unaccent()); 3,782 short names take a few
        milliseconds, and callers try an exact `name__iexact` first.
        """

        folded = normalize(text)
        if not folded:
            return self.none()
        return self.filter(pk__in=[pk for pk, name in self.values_list("pk", "name") if folded_name(name) == folded])

    def lookup(self, text, postal_code=""):
        """Resolve what someone typed: a postal or INSEE code, "Nom", "Nom (62)" or "Nom (62160)".

        The one commune search of the portal (membership form, import, "near me"). Names are compared
        without case, accents or punctuation; `postal_code` (a separate form field) narrows homonyms like a
        "(62160)" suffix. A five-digit number may be the INSEE code of one commune and the postal code of
        others: all are then candidates. When no name is equal, communes whose name starts with the text
        are offered as candidates, never chosen.
        """
        query = " ".join((text or "").split())
        postal_code = (postal_code or "").strip()
        result = CommuneLookup(query=query)
        if not query:
            return result
        communes = self.order_by("name", "insee_code")
        if _CODE.match(query):
            code = query.upper()
            # A code is read first as a postal code ("62300" is Lens and its neighbours), then as an INSEE code
            # (62300 is also Équihen-Plage's INSEE code, which comes after them).
            found = sorted(communes.with_postal_code(code), key=lambda c: (c.name, c.insee_code))
            found += [c for c in communes.filter(insee_code=code) if c not in found]
            return result.resolve(found, exact=True)

        name, code = query, postal_code.upper() or None
        match = _SUFFIX.match(query)
        if match:
            name, code = match["name"], match["code"].upper()
        scope = communes.filter(department__code=code) if code and len(code) < 5 else communes
        found, exact = list(scope.filter(name__iexact=name)), True
        if not found:
            found = list(scope.named(name))
        if not found:
            folded, exact = normalize(name), False
            if folded:
                pks = [pk for pk, other in scope.values_list("pk", "name") if folded_name(other).startswith(folded)]
                found = list(scope.filter(pk__in=pks[: MAX_COMMUNE_CANDIDATES * 4]))
        if code and len(code) == 5:
            served = [c for c in found if code in (c.postal_codes or [])]
            result.postal_code_mismatch = exact and bool(found) and not served
            found = served
        if not exact:
            if len(found) == 1:  # "Aire" finds only Aire-sur-la-Lys: taken, not offered as a choice of one
                result.commune = found[0]
                return result
            result.candidates = found[:MAX_COMMUNE_CANDIDATES]
            return result
        return result.resolve(found, exact=True)

    def suggest(self, text, limit=10):
        """Communes for an autocomplete, best first: the exact name, then names starting with the text, then
        names containing it (each by population); digits match postal codes, then INSEE codes, by prefix.

        Names are folded like `lookup()` ("saint omer" suggests Saint-Omer). 3,782 names are ranked in Python,
        since PostgreSQL cannot index unaccent() and SQLite has no unaccent at all.
        """
        query = " ".join((text or "").split())
        if not query:
            return []
        if query[:2].isdigit():
            code = query.upper()
            by_postal = [
                c for c in self.filter(postal_codes__icontains=code) if any(p.startswith(code) for p in c.postal_codes)
            ]
            by_postal.sort(key=lambda c: (-c.population, c.name))
            by_insee = list(self.filter(insee_code__startswith=code).order_by("-population", "name")[:limit])
            return (by_postal + [c for c in by_insee if c not in by_postal])[:limit]
        folded = normalize(query)
        if not folded:
            return []
        ranked = []
        for pk, name, population in self.values_list("pk", "name", "population"):
            other = folded_name(name)
            if other == folded:
                rank = 0
            elif other.startswith(folded):
                rank = 1
            elif f" {folded}" in f" {other}":
                rank = 2
            else:
                continue
            ranked.append((rank, -population, name, pk))
        ranked.sort()
        pks = [pk for *_, pk in ranked[:limit]]
        found = self.in_bulk(pks)
        return [found[pk] for pk in pks]


@dataclass
class CommuneLookup:
    """What `Commune.objects.lookup()` found: one commune, candidates to choose from, or nothing."""

    query: str
    commune: "Commune | None" = None
    candidates: list = field(default_factory=list)
    #: True when every candidate bears exactly the name typed (homonyms), False for prefix suggestions.
    exact: bool = False
    #: True when communes bear that name but none has the postal code given.
    postal_code_mismatch: bool = False

    @property
    def is_ambiguous(self):
        return self.commune is None and bool(self.candidates)

    @property
    def not_found(self):
        return self.commune is None and not self.candidates

    def resolve(self, found, exact):
        self.exact = exact
        if len(found) == 1:
            self.commune = found[0]
        else:
            self.candidates = found[:MAX_COMMUNE_CANDIDATES]
        return self


class Commune(models.Model):
    insee_code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    postal_codes = models.JSONField("codes postaux", default=list, blank=True)
    population = models.PositiveIntegerField("population", default=0)
    department = models.ForeignKey(
        Department, verbose_name="département", on_delete=models.PROTECT, related_name="communes"
    )
    epci = models.ForeignKey(
        Epci, verbose_name="EPCI", on_delete=models.PROTECT, related_name="communes", null=True, blank=True
    )
    latitude = models.FloatField("latitude")
    longitude = models.FloatField("longitude")

    objects = CommuneQuerySet.as_manager()

    class Meta:
        ordering = ["name", "insee_code"]
        verbose_name = "commune"
        verbose_name_plural = "communes"
        indexes = [models.Index(fields=["name"], name="territories_commune_name_idx")]

    def __str__(self):
        return f"{self.name} ({self.insee_code[:2]})"


class Theme(models.Model):
    """One of the nine themes of the network's territorial dynamics (2020 regional map)."""

    slug = models.SlugField(unique=True)
    name = models.CharField("nom", max_length=200)
    short_description = models.TextField("présentation courte", blank=True)
    colour = models.CharField(
        "couleur", max_length=7, default="#2f6f5e", help_text="Couleur hexadécimale, par exemple #2f6f5e."
    )
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "thématique"
        verbose_name_plural = "thématiques"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("territories:theme-detail", kwargs={"slug": self.slug})
