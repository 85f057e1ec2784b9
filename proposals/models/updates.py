"""The follow-up entries of a commitment over the term: `CommitmentUpdate` (status, public note, evidence).

Staff enter them in the admin, published at once; the signatory may propose one through a signed link
(`Commitment.update_token`), which waits for moderation (`directory.moderation`).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.validators import validate_pdf_file
from proposals.models.campaign import Proposal
from proposals.models.commitments import Commitment, in_epci


class UpdateQuerySet(models.QuerySet):
    def published(self):
        return self.filter(review=CommitmentUpdate.Review.PUBLISHED)

    def public(self):
        """Published updates of public commitments, newest first, with what a feed entry shows."""
        return (
            self.published()
            .filter(commitment__status=Commitment.Status.VALIDATED)
            .select_related("commitment", "commitment__commune", "commitment__epci", "proposal")
            .order_by("-date", "-pk")
        )

    def for_epci(self, epci):
        """Updates of the commitments made in `epci` (see `in_epci`)."""
        return self.filter(in_epci(epci, through="commitment__"))

    def for_measure(self, proposal):
        """Updates of one measure: its own entries, and the notes on a whole commitment that chose it.

        The same rule as `Commitment.measure_list`, which files a note without a proposal under every measure.
        """
        return self.filter(
            Q(proposal=proposal)
            | Q(proposal__isnull=True, commitment__in=Commitment.objects.filter(proposals=proposal))
        )


http_urls = URLValidator(
    schemes=["http", "https"], message="Indiquez une adresse web commençant par http:// ou https://."
)


class CommitmentUpdate(models.Model):
    """A dated follow-up entry of a commitment over the term: a status, a public note and its evidence.

    `proposal` is the measure it concerns (empty: the whole commitment). Staff entries are published
    at once; an entry proposed by the signatory waits for moderation (`directory.moderation`).
    """

    class Review(models.TextChoices):
        PROPOSED = "proposed", "Proposé par l'équipe, à modérer"
        PUBLISHED = "published", "Publié"
        REFUSED = "refused", "Refusé"

    commitment = models.ForeignKey(
        Commitment, verbose_name="engagement", on_delete=models.CASCADE, related_name="updates"
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name="mesure",
        on_delete=models.CASCADE,
        related_name="updates",
        null=True,
        blank=True,
        help_text="Laissez vide pour une note qui concerne toutes les mesures de l'engagement.",
    )
    date = models.DateField("date", default=timezone.localdate)
    status = models.CharField(
        "état d'avancement", max_length=20, choices=Commitment.FollowUp.choices, default=Commitment.FollowUp.ENGAGED
    )
    note = models.TextField("note publique", blank=True)
    evidence_url = models.URLField(
        "preuve : lien",
        max_length=500,
        blank=True,
        validators=[http_urls],
        help_text="Délibération du conseil, avis de marché public, article de presse…",
    )
    evidence_file = models.FileField(
        "preuve : document PDF",
        upload_to="proposals/evidence/%Y/",
        blank=True,
        validators=[validate_pdf_file],
    )
    evidence_label = models.CharField("intitulé de la preuve", max_length=200, blank=True)
    review = models.CharField("publication", max_length=20, choices=Review.choices, default=Review.PUBLISHED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="modéré par",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    staff_message = models.TextField("message de l'équipe (refus)", blank=True)
    created_at = models.DateTimeField("saisi le", auto_now_add=True)
    # When the entry became public (at once for staff, on moderation for a proposed one): alerts list what
    # was published since a subscriber's last mail, whatever the entry's own date.
    published_at = models.DateTimeField("publié le", null=True, blank=True, editable=False, db_index=True)

    objects = UpdateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["commitment", "-date", "-pk"]
        verbose_name = "suivi d'engagement"
        verbose_name_plural = "suivis d'engagement"
        indexes = [models.Index(fields=["review", "date"], name="proposals_update_review_date")]

    def __str__(self):
        return f"{self.get_status_display()} ({self.date:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        if self.review == self.Review.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "published_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.commitment.get_absolute_url()}#suivi-{self.pk}"

    def clean(self):
        if (
            self.proposal_id
            and self.commitment_id
            and self.proposal_id not in set(self.commitment.proposals.values_list("pk", flat=True))
        ):
            raise ValidationError({"proposal": "Cette mesure ne fait pas partie de l'engagement."})

    @property
    def has_evidence(self):
        return bool(self.evidence_url or self.evidence_file)

    @property
    def evidence_href(self):
        return self.evidence_file.url if self.evidence_file else self.evidence_url

    # Moderation (the protocol of directory.moderation) -----------------------------------------

    def can_be_approved(self):
        return self.review == self.Review.PROPOSED

    def can_be_refused(self):
        return self.review == self.Review.PROPOSED

    def mark_approved(self, by=None):
        self.review = self.Review.PUBLISHED
        self.reviewed_by = by
        self.save(update_fields=["review", "reviewed_by"])

    def mark_refused(self, by=None, message=""):
        self.review = self.Review.REFUSED
        self.reviewed_by = by
        self.staff_message = message
        self.save(update_fields=["review", "reviewed_by", "staff_message"])
