"""The network's territorial work: dynamics and their timelines, partnerships with local authorities,
key figures and inspiring initiatives (see docs/territories.md).

Organisations are referred to by the string "directory.Organisation": the directory sits above
this app and is never imported here.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats
from simple_history.models import HistoricalRecords

from core.dates import DatePrecision, format_precise_date
from core.models import PublishedQuerySet

from .geography import Commune, Department, Epci, Theme


class InitiativeQuerySet(PublishedQuerySet):
    def in_department(self, department_code):
        return self.filter(
            Q(
                pk__in=Initiative.epcis.through.objects.filter(epci__department__code=department_code).values(
                    "initiative"
                )
            )
            | Q(
                pk__in=Initiative.communes.through.objects.filter(commune__department__code=department_code).values(
                    "initiative"
                )
            )
        )


class Initiative(models.Model):
    """An inspiring initiative (case study), with the sections of the DREETS regional panorama."""

    class Kind(models.TextChoices):
        SPOTLIGHT = "coup-de-projecteur", "Coup de projecteur"
        SPOTTED = "repere", "On a aussi repéré"

    title = models.CharField("titre", max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.SPOTLIGHT)
    summary = models.CharField("résumé", max_length=400)
    challenge = models.CharField(
        "enjeu", max_length=200, blank=True, help_text="Ce que l'initiative illustre, en une phrase."
    )
    context = models.TextField("contexte", blank=True)
    objectives = models.TextField(
        "objectifs", blank=True, help_text="Une ligne commençant par « - » devient un élément de liste."
    )
    description = models.TextField("description", blank=True)
    impact = models.TextField("impact", blank=True, help_text="Les résultats, chiffres à l'appui.")
    partners_text = models.TextField("partenaires", blank=True)
    vigilance = models.TextField("points de vigilance", blank=True)
    success_keys = models.TextField("clés de réussite", blank=True)
    funding = models.TextField("financement", blank=True)
    contact = models.CharField("contact", max_length=200, blank=True)
    contact_email = models.EmailField("courriel de contact", blank=True)
    source = models.CharField(
        "source", max_length=300, blank=True, help_text="Le document dont l'étude de cas est tirée."
    )

    themes = models.ManyToManyField(Theme, verbose_name="thématiques", related_name="initiatives", blank=True)
    organisations = models.ManyToManyField(
        "directory.Organisation", verbose_name="organisations", related_name="initiatives", blank=True
    )
    epcis = models.ManyToManyField(Epci, verbose_name="EPCI", related_name="initiatives", blank=True)
    communes = models.ManyToManyField(Commune, verbose_name="communes", related_name="initiatives", blank=True)
    departments = models.ManyToManyField(
        Department,
        verbose_name="départements",
        related_name="initiatives",
        blank=True,
        help_text="Pour une initiative qui couvre un ou plusieurs départements entiers.",
    )

    order = models.PositiveSmallIntegerField("ordre", default=0)
    is_published = models.BooleanField("publiée", default=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        verbose_name = "initiative inspirante"
        verbose_name_plural = "initiatives inspirantes"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("territories:initiative-detail", kwargs={"slug": self.slug})

    @property
    def sections(self):
        """The filled case-study sections, in the panorama's order, as (anchor, heading, text)."""
        candidates = [
            ("contexte", "Contexte", self.context),
            ("objectifs", "Objectifs", self.objectives),
            ("description", "Description", self.description),
            ("impact", "Impact", self.impact),
            ("partenaires", "Partenaires", self.partners_text),
            ("vigilance", "Points de vigilance", self.vigilance),
            ("cles-de-reussite", "Clés de réussite", self.success_keys),
            ("financement", "Financement", self.funding),
        ]
        return [(anchor, heading, text) for anchor, heading, text in candidates if text.strip()]


class DynamicQuerySet(PublishedQuerySet):
    def in_epci(self, epci):
        """Dynamics attached to the EPCI itself or to one of its communes."""
        return self.filter(
            Q(pk__in=Dynamic.epcis.through.objects.filter(epci=epci).values("dynamic"))
            | Q(pk__in=Dynamic.communes.through.objects.filter(commune__epci=epci).values("dynamic"))
        )

    def in_department(self, department_code):
        return self.filter(
            Q(pk__in=Dynamic.epcis.through.objects.filter(epci__department__code=department_code).values("dynamic"))
            | Q(
                pk__in=Dynamic.communes.through.objects.filter(commune__department__code=department_code).values(
                    "dynamic"
                )
            )
        )

    def for_cards(self):
        """What a dynamic card and a map point show: theme, territories (with their position), in 3 queries."""
        return self.select_related("theme").prefetch_related(
            models.Prefetch(
                "epcis", queryset=Epci.objects.only("id", "name", "slug", "centroid_latitude", "centroid_longitude")
            ),
            models.Prefetch(
                "communes", queryset=Commune.objects.only("id", "name", "slug", "insee_code", "latitude", "longitude")
            ),
        )


class Dynamic(models.Model):
    """A territorial dynamic the network animates or supports, with its timeline of involvement."""

    class Phase(models.TextChoices):
        EMERGENCE = "emergence", "Émergence"
        STRUCTURATION = "structuration", "Structuration"
        AUTONOMY = "autonomie", "Autonomie, relais passé"

    title = models.CharField("titre", max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    theme = models.ForeignKey(Theme, verbose_name="thématique", on_delete=models.PROTECT, related_name="dynamics")
    summary = models.CharField("résumé", max_length=400)
    description = models.TextField(
        "description", blank=True, help_text="Paragraphes séparés par une ligne vide ; « - » en début de ligne."
    )
    epcis = models.ManyToManyField(Epci, verbose_name="EPCI", related_name="dynamics", blank=True)
    communes = models.ManyToManyField(Commune, verbose_name="communes", related_name="dynamics", blank=True)
    start_year = models.PositiveSmallIntegerField("année de début")
    end_year = models.PositiveSmallIntegerField(
        "année de fin", null=True, blank=True, help_text="Vide tant que la dynamique se poursuit."
    )
    phase = models.CharField("phase", max_length=20, choices=Phase.choices, default=Phase.EMERGENCE)
    partners = models.ManyToManyField(
        "directory.Organisation", verbose_name="organisations partenaires", related_name="dynamics", blank=True
    )
    initiatives = models.ManyToManyField(
        Initiative, verbose_name="initiatives liées", related_name="dynamics", blank=True
    )
    is_published = models.BooleanField("publiée", default=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = DynamicQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["theme__order", "title"]
        verbose_name = "dynamique territoriale"
        verbose_name_plural = "dynamiques territoriales"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=models.F("start_year")),
                name="territories_dynamic_end_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("territories:dynamic-detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.end_year is not None and self.start_year is not None and self.end_year < self.start_year:
            raise ValidationError({"end_year": "L'année de fin ne peut pas précéder l'année de début."})

    @property
    def period(self):
        if self.end_year == self.start_year:
            return str(self.start_year)
        if self.end_year:
            return f"{self.start_year}–{self.end_year}"
        return f"depuis {self.start_year}"

    def location(self):
        """(latitude, longitude) of the marker: the first commune, else the first EPCI's centre, else None.

        Reads the prefetched communes and EPCI (see `DynamicQuerySet.for_cards`): no query when prefetched.
        """
        for commune in self.communes.all():
            return commune.latitude, commune.longitude
        for epci in self.epcis.all():
            if epci.centroid_latitude is not None and epci.centroid_longitude is not None:
                return epci.centroid_latitude, epci.centroid_longitude
        return None

    def timeline_years(self):
        """The timeline grouped by year, every year of the dynamic included, for the visual timeline.

        Returns a list of dicts (year, level, level_label, events), one per year from the first to the last
        (years without events appear with no level, so gaps stay visible). A year's level is the strongest
        involvement among its events. Reads `self.events.all()` (prefetch it).
        """
        events = list(self.events.all())
        if not events:
            return []
        first = min(self.start_year, events[0].date.year)
        last = max(self.end_year or events[-1].date.year, events[-1].date.year)
        by_year = {year: [] for year in range(first, last + 1)}
        for event in events:
            by_year[event.date.year].append(event)
        years = []
        for year, year_events in by_year.items():
            levels = [e.involvement for e in year_events if e.involvement]
            level = max(levels, key=Involvement.rank) if levels else ""
            years.append(
                {
                    "year": year,
                    "level": level,
                    "level_label": Involvement(level).label if level else "",
                    "events": year_events,
                }
            )
        return years


class Involvement(models.TextChoices):
    """The network's level of involvement in a dynamic, as in the carnet's timelines."""

    LIGHT = "legere", "Légère"
    MODERATE = "moderee", "Modérée"
    SUSTAINED = "soutenue", "Soutenue"

    @classmethod
    def rank(cls, value):
        return [cls.LIGHT, cls.MODERATE, cls.SUSTAINED].index(value) + 1 if value else 0


class TimelineEvent(models.Model):
    """A dated step of a dynamic, with the network's level of involvement at that time."""

    dynamic = models.ForeignKey(Dynamic, verbose_name="dynamique", on_delete=models.CASCADE, related_name="events")
    date = models.DateField("date", help_text="Pour une année seule, le 1er janvier et la précision « année ».")
    date_precision = models.CharField(
        "précision de la date", max_length=5, choices=DatePrecision.choices, default=DatePrecision.YEAR
    )
    title = models.CharField("intitulé", max_length=250)
    description = models.TextField("description", blank=True)
    involvement = models.CharField(
        "implication de l'Apes",
        max_length=10,
        choices=Involvement.choices,
        blank=True,
        help_text="Vide quand la source ne la précise pas.",
    )
    is_network_action = models.BooleanField(
        "action de l'Apes", default=False, help_text="Cochée pour une action menée par le réseau lui-même."
    )
    order = models.PositiveSmallIntegerField("ordre dans l'année", default=0)

    class Meta:
        ordering = ["date", "order", "pk"]
        verbose_name = "étape"
        verbose_name_plural = "étapes (frise chronologique)"

    def __str__(self):
        return f"{self.display_date} — {self.title}"

    def get_absolute_url(self):
        return f"{self.dynamic.get_absolute_url()}#annee-{self.date.year}"

    @property
    def display_date(self):
        return format_precise_date(self.date, self.date_precision)

    @property
    def involvement_rank(self):
        return Involvement.rank(self.involvement)


class PartnershipQuerySet(models.QuerySet):
    def current(self):
        return self.filter(end_year__isnull=True)


class Partnership(models.Model):
    """A convention between the network and a local authority: an EPCI, a department or another one."""

    epci = models.ForeignKey(
        Epci, verbose_name="EPCI", on_delete=models.CASCADE, related_name="partnerships", null=True, blank=True
    )
    department = models.ForeignKey(
        Department,
        verbose_name="département",
        on_delete=models.CASCADE,
        related_name="partnerships",
        null=True,
        blank=True,
        help_text="Pour un conseil départemental.",
    )
    authority_name = models.CharField(
        "nom de la collectivité",
        max_length=200,
        blank=True,
        help_text="Vide pour reprendre le nom de l'EPCI ; obligatoire pour un département ou une autre collectivité.",
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name="fiche dans l'annuaire",
        on_delete=models.SET_NULL,
        related_name="partnerships",
        null=True,
        blank=True,
    )
    start_year = models.PositiveSmallIntegerField("conventionnée depuis (année)", null=True, blank=True)
    start_date = models.DateField(
        "date de la première convention", null=True, blank=True, help_text="Si elle est connue ; sinon l'année suffit."
    )
    end_year = models.PositiveSmallIntegerField(
        "fin de la convention (année)", null=True, blank=True, help_text="Vide tant que le partenariat est en cours."
    )
    description = models.TextField("description", blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["order", "authority_name", "pk"]
        verbose_name = "partenariat avec une collectivité"
        verbose_name_plural = "partenariats avec des collectivités"
        constraints = [
            models.CheckConstraint(
                condition=Q(epci__isnull=False) | ~Q(authority_name=""),
                name="territories_partnership_has_authority",
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="territories_partnership_end_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.start_date and not self.start_year:
            self.start_year = self.start_date.year
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        if self.epci_id:
            return self.epci.get_absolute_url()
        return reverse("territories:index") + "#partenariats"

    @property
    def name(self):
        if self.authority_name:
            return self.authority_name
        return self.epci.name if self.epci_id else ""

    @property
    def is_current(self):
        return self.end_year is None

    @property
    def since(self):
        if self.start_date:
            return format_precise_date(self.start_date, DatePrecision.DAY)
        return str(self.start_year) if self.start_year else ""

    def clean(self):
        errors = {}
        if not self.epci_id and not self.authority_name.strip():
            errors["authority_name"] = "Indiquez un EPCI ou le nom de la collectivité partenaire."
        if self.start_date and self.start_year and self.start_date.year != self.start_year:
            errors["start_year"] = "L'année ne correspond pas à la date de la première convention."
        if self.end_year is not None and self.start_year is not None and self.end_year < self.start_year:
            errors["end_year"] = "La fin de la convention ne peut pas précéder son début."
        if errors:
            raise ValidationError(errors)


class TerritoryFigure(models.Model):
    """A key figure about a territory (an EPCI, a department, or the whole region), with its source and date."""

    epci = models.ForeignKey(
        Epci, verbose_name="EPCI", on_delete=models.CASCADE, related_name="figures", null=True, blank=True
    )
    department = models.ForeignKey(
        Department, verbose_name="département", on_delete=models.CASCADE, related_name="figures", null=True, blank=True
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name="thématique",
        on_delete=models.CASCADE,
        related_name="figures",
        null=True,
        blank=True,
        help_text="Pour un chiffre propre à une thématique.",
    )
    label = models.CharField(
        "libellé", max_length=200, help_text="Ce que l'on compte, par exemple « emplois dans l'ESS »."
    )
    value = models.DecimalField("valeur", max_digits=14, decimal_places=2)
    unit = models.CharField("unité", max_length=20, blank=True, help_text="« % » ou vide.")
    source = models.CharField("source", max_length=200)
    as_of = models.DateField("date de la donnée")
    as_of_precision = models.CharField(
        "précision de la date", max_length=5, choices=DatePrecision.choices, default=DatePrecision.YEAR
    )
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "chiffre clé d'un territoire"
        verbose_name_plural = "chiffres clés des territoires"
        constraints = [
            models.CheckConstraint(
                condition=Q(epci__isnull=True) | Q(department__isnull=True),
                name="territories_figure_one_territory",
            ),
        ]

    def __str__(self):
        return f"{self.territory_name} : {self.formatted_value} {self.label}"

    def get_absolute_url(self):
        if self.epci_id:
            return self.epci.get_absolute_url()
        return reverse("territories:index") + "#chiffres-cles"

    def clean(self):
        if self.epci_id and self.department_id:
            raise ValidationError("Un chiffre porte sur un EPCI ou sur un département, pas les deux.")

    @property
    def territory_name(self):
        if self.epci_id:
            return self.epci.name
        if self.department_id:
            return self.department.name
        return "Hauts-de-France"

    @property
    def formatted_value(self):
        """The value in French notation: "7 892", "10,3 %" (no useless decimals)."""
        value = self.value.normalize() if self.value is not None else None
        if value is None:
            return ""
        decimals = max(0, -value.as_tuple().exponent)
        text = formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
        return f"{text}\u00a0{self.unit}" if self.unit == "%" else text

    @property
    def display_date(self):
        return format_precise_date(self.as_of, self.as_of_precision)
