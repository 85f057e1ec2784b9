"""The campaign and its content: a `Campaign` holds ordered `Axis` sections of ordered `Proposal` measures.

A campaign knows its election dates and its `phase` follows them (never a flag to remember): before
the vote it invites candidates to commit, after it the page leads with the follow-up of the term.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.models import PublishedQuerySet

#: Commitment.Status.VALIDATED, spelled here so this module does not import the commitments one.
VALIDATED = "validated"


class CampaignQuerySet(PublishedQuerySet):
    def current_only(self):
        """The published campaign shown at /municipales-2026/ as a one-row queryset (usable in a subquery)."""
        return self.published().order_by("-year", "-pk")[:1]

    def current(self):
        """The published campaign shown at /municipales-2026/ (the most recent one), or None."""
        return self.current_only().first()


class Campaign(models.Model):
    """A set of proposals addressed to candidates in one election (e.g. the 2026 municipal elections)."""

    title = models.CharField("titre", max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    year = models.PositiveSmallIntegerField("année de l'élection")
    first_round_on = models.DateField("premier tour", null=True, blank=True)
    second_round_on = models.DateField("second tour", null=True, blank=True)
    summary = models.CharField(
        "accroche", max_length=300, blank=True, help_text="Une phrase, reprise en tête de page et pour le partage."
    )
    introduction = models.TextField("introduction", help_text="Paragraphes séparés par une ligne vide.")
    context = models.TextField("contexte", blank=True, help_text="Paragraphes séparés par une ligne vide.")
    brochure = models.ForeignKey(
        "publications.Publication",
        verbose_name="brochure (PDF)",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        help_text="La publication dont la page propose le PDF de ces propositions.",
    )
    is_published = models.BooleanField("publiée", default=True)
    commitments_open = models.BooleanField(
        "engagements ouverts", default=True, help_text="Décochez pour fermer le formulaire d'engagement."
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = CampaignQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = "campagne"
        verbose_name_plural = "campagnes"
        constraints = [
            models.CheckConstraint(
                condition=Q(second_round_on__isnull=True)
                | Q(first_round_on__isnull=False, second_round_on__gt=models.F("first_round_on")),
                name="proposals_campaign_rounds_in_order",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("proposals:campaign")

    class Phase(models.TextChoices):
        CAMPAIGN = "campagne", "Campagne électorale"
        BETWEEN_ROUNDS = "entre-deux-tours", "Entre les deux tours"
        TERM = "mandat", "Mandat en cours"

    @property
    def last_round_on(self):
        return self.second_round_on or self.first_round_on

    def phase_on(self, day):
        """The phase on `day`: the term starts the day after the last round; no dates means still campaigning."""
        if self.first_round_on is None or day <= self.first_round_on:
            return self.Phase.CAMPAIGN
        if day <= self.last_round_on:
            return self.Phase.BETWEEN_ROUNDS
        return self.Phase.TERM

    @property
    def phase(self):
        return self.phase_on(timezone.localdate())

    @property
    def is_after_vote(self):
        return self.phase == self.Phase.TERM

    def clean(self):
        if self.second_round_on and (not self.first_round_on or self.second_round_on <= self.first_round_on):
            raise ValidationError({"second_round_on": "Le second tour doit suivre le premier tour."})


class Axis(models.Model):
    """One of the campaign's sections (the brochure has four)."""

    campaign = models.ForeignKey(Campaign, verbose_name="campagne", on_delete=models.CASCADE, related_name="axes")
    order = models.PositiveSmallIntegerField("ordre", default=0)
    slug = models.SlugField(
        max_length=100, help_text="Sert d'ancre dans la page (#slug) : ne le changez pas une fois partagé."
    )
    title = models.CharField("titre", max_length=200)
    introduction = models.TextField("introduction", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["campaign", "order", "pk"]
        verbose_name = "axe"
        verbose_name_plural = "axes"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "slug"], name="proposals_axis_slug_unique_per_campaign"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.campaign.get_absolute_url()}#{self.slug}"


class ProposalQuerySet(models.QuerySet):
    def with_commitment_counts(self):
        """Annotate each proposal with the number of public (validated) commitments to it."""
        return self.annotate(
            commitment_count=Count("commitments", filter=Q(commitments__status=VALIDATED), distinct=True)
        )


class Proposal(models.Model):
    """One concrete measure of an axis, illustrated by examples from the directory."""

    axis = models.ForeignKey(Axis, verbose_name="axe", on_delete=models.CASCADE, related_name="proposals")
    order = models.PositiveSmallIntegerField("ordre", default=0)
    slug = models.SlugField(
        max_length=100, unique=True, help_text="Sert d'ancre dans la page (#slug) : ne le changez pas une fois partagé."
    )
    title = models.CharField("intitulé", max_length=250)
    text = models.TextField("explication", blank=True, help_text="Paragraphes séparés par une ligne vide.")
    themes = models.ManyToManyField(
        "territories.Theme", verbose_name="thématiques", related_name="proposals", blank=True
    )
    sectors = models.ManyToManyField(
        "directory.Sector", verbose_name="secteurs d'activité", related_name="proposals", blank=True
    )
    example_organisations = models.ManyToManyField(
        "directory.Organisation", verbose_name="organisations exemples", related_name="proposals", blank=True
    )
    example_initiatives = models.ManyToManyField(
        "territories.Initiative", verbose_name="initiatives exemples", related_name="proposals", blank=True
    )
    publications = models.ManyToManyField(
        "publications.Publication", verbose_name="pour aller plus loin", related_name="proposals", blank=True
    )

    objects = ProposalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["axis__campaign", "axis__order", "order", "pk"]
        verbose_name = "proposition"
        verbose_name_plural = "propositions"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.axis.campaign.get_absolute_url()}#{self.slug}"
