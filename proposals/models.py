"""The network's proposals for the 2026 municipal term and the commitments of elected officials.

A `Campaign` holds ordered `Axis` sections, each holding ordered `Proposal` measures illustrated
by organisations and initiatives of the directory. Elected officials, candidate lists and local
authorities sign a `Commitment` to chosen proposals: they confirm it by a signed link sent by
email, staff approve it, then it is public and followed up over the term (`CommitmentUpdate`).
"""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.models import PublishedQuerySet

CONFIRMATION_SALT = "proposals.commitment.confirm"
ANONYMISED_NAME = "Signataire anonymisé·e"


class CampaignQuerySet(PublishedQuerySet):
    def current(self):
        """The published campaign shown at /municipales-2026/ (the most recent one)."""
        return self.published().order_by("-year", "-pk").first()


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
            commitment_count=Count(
                "commitments", filter=Q(commitments__status=Commitment.Status.VALIDATED), distinct=True
            )
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


class CommitmentQuerySet(models.QuerySet):
    def public(self):
        """Commitments confirmed by their signatory and validated by staff."""
        return self.filter(status=Commitment.Status.VALIDATED)

    def for_public_list(self):
        """Public commitments with everything their card shows, in a fixed number of queries."""
        return (
            self.public()
            .select_related("commune", "epci", "commune__epci")
            .prefetch_related(
                Prefetch("proposals", queryset=Proposal.objects.order_by("axis__order", "order")),
                Prefetch("updates", queryset=CommitmentUpdate.objects.order_by("-date", "-pk")),
            )
            .order_by("-validated_at", "-pk")
        )

    def duplicate_of(self, campaign, email, commune=None, epci=None):
        """The existing commitment with the same email for the same territory, if any."""
        found = self.filter(campaign=campaign, email__iexact=email.strip())
        if commune is not None:
            return found.filter(commune=commune).first()
        return found.filter(commune__isnull=True, epci=epci).first()


class Commitment(models.Model):
    """A signed pledge of an elected official, a candidate list or a local authority to some proposals."""

    class Kind(models.TextChoices):
        ELECTED = "elu", "Élu·e"
        CANDIDATE = "candidat", "Candidat·e ou liste candidate"
        AUTHORITY = "collectivite", "Collectivité"

    class Status(models.TextChoices):
        PENDING = "pending", "En attente de confirmation par courriel"
        CONFIRMED = "confirmed", "Confirmé, à valider"
        VALIDATED = "validated", "Validé et public"
        REJECTED = "rejected", "Refusé"

    class FollowUp(models.TextChoices):
        ENGAGED = "engage", "Engagé"
        IN_PROGRESS = "en-cours", "En cours"
        DONE = "realise", "Réalisé"

    campaign = models.ForeignKey(
        Campaign, verbose_name="campagne", on_delete=models.PROTECT, related_name="commitments"
    )
    kind = models.CharField("vous signez en tant que", max_length=20, choices=Kind.choices, default=Kind.ELECTED)
    full_name = models.CharField("nom et prénom", max_length=200)
    role = models.CharField(
        "fonction ou mandat", max_length=200, help_text="Par exemple : maire, conseillère communautaire, tête de liste."
    )
    list_name = models.CharField("nom de la liste", max_length=200, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name="commune",
        on_delete=models.PROTECT,
        related_name="commitments",
        null=True,
        blank=True,
    )
    epci = models.ForeignKey(
        "territories.Epci",
        verbose_name="EPCI",
        on_delete=models.PROTECT,
        related_name="commitments",
        null=True,
        blank=True,
    )
    # Never shown on a public page: used for the confirmation link and staff contact only.
    email = models.EmailField("courriel (jamais publié)")
    proposals = models.ManyToManyField(Proposal, verbose_name="propositions", related_name="commitments")
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField("reçu le", auto_now_add=True)
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)
    validated_at = models.DateTimeField("validé le", null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="validé par",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    anonymised_at = models.DateTimeField("anonymisé le", null=True, blank=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "engagement"
        verbose_name_plural = "engagements"
        constraints = [
            models.CheckConstraint(
                condition=Q(commune__isnull=False) | Q(epci__isnull=False),
                name="proposals_commitment_has_territory",
            ),
            models.UniqueConstraint(
                fields=["campaign", "email", "commune"],
                condition=Q(commune__isnull=False),
                name="proposals_commitment_unique_email_commune",
            ),
            models.UniqueConstraint(
                fields=["campaign", "email", "epci"],
                condition=Q(commune__isnull=True),
                name="proposals_commitment_unique_email_epci",
            ),
        ]
        indexes = [models.Index(fields=["status", "validated_at"], name="proposals_commitment_status")]

    def __str__(self):
        return f"{self.full_name} — {self.territory_name}"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{reverse('proposals:commitment-list')}#engagement-{self.pk}"

    def get_admin_url(self):
        return reverse("admin:proposals_commitment_change", args=[self.pk])

    def clean(self):
        errors = {}
        if not self.commune_id and not self.epci_id:
            errors["commune"] = "Indiquez une commune ou un EPCI."
        elif self.commune_id and self.epci_id and self.commune.epci_id != self.epci_id:
            errors["epci"] = f"{self.commune.name} n'appartient pas à l'EPCI choisi ({self.epci.name})."
        if self.email:
            self.email = self.email.strip().lower()
            if self.campaign_id:
                duplicate = Commitment.objects.duplicate_of(
                    self.campaign, self.email, commune=self.commune, epci=self.epci
                )
                if duplicate and duplicate.pk != self.pk:
                    errors["email"] = ValidationError(
                        f"Un engagement a déjà été enregistré avec ce courriel pour {self.territory_name}. "
                        "Pour le modifier ou le retirer, écrivez à contact@apes-hdf.org.",
                        code="duplicate",
                    )
        if errors:
            raise ValidationError(errors)

    @property
    def territory(self):
        return self.commune or self.epci

    @property
    def territory_name(self):
        if self.commune_id:
            return self.commune.name
        return self.epci.name if self.epci_id else ""

    @property
    def is_public(self):
        return self.status == self.Status.VALIDATED

    @property
    def latest_update(self):
        """The most recent follow-up note (uses the prefetched, newest-first `updates` when present)."""
        updates = list(self.updates.all())
        return max(updates, key=lambda u: (u.date, u.pk)) if updates else None

    @property
    def follow_up_status(self):
        latest = self.latest_update
        return latest.status if latest else self.FollowUp.ENGAGED

    def get_follow_up_status_display(self):
        return self.FollowUp(self.follow_up_status).label

    # Confirmation by a signed, expiring link -------------------------------------------------

    def confirmation_token(self):
        return signing.TimestampSigner(salt=CONFIRMATION_SALT).sign(str(self.pk))

    @classmethod
    def from_confirmation_token(cls, token):
        """The commitment a token was made for; raises `signing.SignatureExpired` or `signing.BadSignature`."""
        max_age = settings.COMMITMENT_CONFIRMATION_MAX_AGE
        value = signing.TimestampSigner(salt=CONFIRMATION_SALT).unsign(token, max_age=max_age)
        try:
            return cls.objects.select_related("campaign", "commune", "epci").get(pk=int(value))
        except (ValueError, cls.DoesNotExist):
            raise signing.BadSignature("Unknown commitment") from None

    def confirm(self):
        """Mark as confirmed by its signatory; returns False when it was already past that step."""
        if self.status != self.Status.PENDING:
            return False
        self.status = self.Status.CONFIRMED
        self.confirmed_at = timezone.now()
        self.save(update_fields=["status", "confirmed_at"])
        return True

    def approve(self, user=None):
        """Staff approval: the commitment becomes public."""
        self.status = self.Status.VALIDATED
        self.validated_at = timezone.now()
        self.validated_by = user
        self.save(update_fields=["status", "validated_at", "validated_by"])

    # Moderation (the protocol of directory.moderation) -----------------------------------------

    def can_be_approved(self):
        """Only a commitment its signatory confirmed by email may be made public."""
        return self.status == self.Status.CONFIRMED

    def can_be_refused(self):
        # Staff may also withdraw a public commitment (a doubtful signature found later).
        return self.status != self.Status.REJECTED

    def mark_approved(self, by=None):
        self.approve(by)

    def mark_refused(self, by=None, message=""):
        self.status = self.Status.REJECTED
        self.save(update_fields=["status"])

    def anonymise(self):
        """Erase what identifies the signatory (GDPR request) but keep the territory and the proposals.

        The commitment still counts for its proposals and on the map; its name, role, list and email are
        replaced. The email keeps a unique placeholder so the duplicate constraints still hold.
        """
        self.full_name = ANONYMISED_NAME
        self.role = ""
        self.list_name = ""
        self.email = f"anonyme-{self.pk}@invalid.example"
        self.anonymised_at = timezone.now()
        self.save(update_fields=["full_name", "role", "list_name", "email", "anonymised_at"])


class CommitmentUpdate(models.Model):
    """A dated follow-up note on a commitment over the term, shown publicly."""

    commitment = models.ForeignKey(
        Commitment, verbose_name="engagement", on_delete=models.CASCADE, related_name="updates"
    )
    date = models.DateField("date", default=timezone.localdate)
    status = models.CharField(
        "état d'avancement", max_length=20, choices=Commitment.FollowUp.choices, default=Commitment.FollowUp.ENGAGED
    )
    note = models.TextField("note publique", blank=True)
    created_at = models.DateTimeField("saisi le", auto_now_add=True)

    class Meta:
        ordering = ["commitment", "-date", "-pk"]
        verbose_name = "suivi d'engagement"
        verbose_name_plural = "suivis d'engagement"

    def __str__(self):
        return f"{self.get_status_display()} ({self.date:%d/%m/%Y})"

    def get_absolute_url(self):
        return self.commitment.get_absolute_url()
