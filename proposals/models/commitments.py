"""Commitments of elected teams to measures, and their follow-up measure by measure over the term.

Elected officials, candidate lists and local authorities sign a `Commitment` to chosen proposals:
they confirm it by a signed link sent by email, staff approve it, then it is public. Each of its
measures is then followed by dated `CommitmentUpdate` entries (status, public note, evidence; they live
in updates.py); staff enter them in the admin, the signatory may propose one that staff moderate.
"""

from functools import cached_property

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from proposals.models.campaign import Campaign, Proposal

CONFIRMATION_SALT = "proposals.commitment.confirm"
UPDATE_PROPOSAL_SALT = "proposals.commitment.propose-update"
ANONYMISED_NAME = "Signataire anonymisé·e"


def in_epci(epci, through=""):
    """Commitments made in `epci`: for the EPCI itself or for one of its communes (a commitment typed in the
    admin may name its commune only). `through` reaches the commitment from a related model."""
    return Q(**{f"{through}epci": epci}) | Q(**{f"{through}commune__epci": epci})


def _update_model():
    """CommitmentUpdate (proposals/models/updates.py, which imports this module), asked of the relation."""
    return Commitment._meta.get_field("updates").related_model


class CommitmentQuerySet(models.QuerySet):
    def in_epci(self, epci):
        return self.filter(in_epci(epci))

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
                Prefetch("updates", queryset=_update_model().objects.published().order_by("-date", "-pk")),
            )
            .order_by("-validated_at", "-pk")
        )

    def with_status(self, status):
        """Commitments with at least one measure whose latest published update has `status` ("engage": none yet)."""
        latest = _update_model().objects.published().filter(commitment=models.OuterRef("commitment"))
        latest = latest.filter(Q(proposal=models.OuterRef("proposal")) | Q(proposal__isnull=True)).order_by(
            "-date", "-pk"
        )
        pairs = Commitment.proposals.through.objects.annotate(
            latest_status=models.Subquery(latest.values("status")[:1])
        )
        if status == Commitment.FollowUp.ENGAGED:
            pairs = pairs.filter(Q(latest_status__isnull=True) | Q(latest_status=status))
        else:
            pairs = pairs.filter(latest_status=status)
        return self.filter(pk__in=pairs.values("commitment"))

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
        ABANDONED = "abandonne", "Abandonné"

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
    is_example = models.BooleanField(
        "exemple de démonstration",
        default=False,
        help_text="Engagement fictif créé par seed_demo : signalé comme tel sur chaque page et dans les flux.",
    )

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
        return reverse("proposals:commitment-detail", kwargs={"pk": self.pk})

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
    def territory_epci(self):
        """The EPCI the commitment counts for (see `in_epci`): its own, else its commune's."""
        return self.epci if self.epci_id else (self.commune.epci if self.commune_id else None)

    @property
    def territory_name(self):
        if self.commune_id:
            return self.commune.name
        return self.epci.name if self.epci_id else ""

    @property
    def is_public(self):
        return self.status == self.Status.VALIDATED

    @cached_property
    def measure_list(self):
        """[MeasureFollowUp, …] for each chosen proposal, from the prefetched `proposals` and published `updates`.

        An update without a proposal concerns the whole commitment, hence each of its measures. Computed once
        per instance: a page showing the measures and the progress reads the same list.
        """
        updates = sorted(self.updates.all(), key=lambda u: (u.date, u.pk), reverse=True)
        published = _update_model().Review.PUBLISHED
        updates = [u for u in updates if u.review == published]
        measures = []
        for proposal in self.proposals.all():
            timeline = [u for u in updates if u.proposal_id in (None, proposal.pk)]
            measures.append(MeasureFollowUp(proposal, timeline))
        return measures

    @property
    def done_measure_count(self):
        """How many of its measures are declared done."""
        return sum(m.status == self.FollowUp.DONE for m in self.measure_list)

    @property
    def progress(self):
        """Share (0–100) of the measures declared done; None when it has no measure."""
        if not self.measure_list:
            return None
        return round(100 * self.done_measure_count / len(self.measure_list))

    # Updates proposed by the signatory through a signed, expiring link -----------------------

    def _last_update_pk(self):
        return self.updates.aggregate(last=models.Max("pk"))["last"] or 0

    def update_token(self):
        """A link to propose one update. It names the last update known when sent: once any update is added
        (the one proposed through it, or one staff publish), the link has served and a newer mail carries a new one.
        """
        return signing.TimestampSigner(salt=UPDATE_PROPOSAL_SALT).sign(f"{self.pk}:{self._last_update_pk()}")

    @classmethod
    def from_update_token(cls, token):
        """(commitment, still_valid) for a proposal link; raises `signing.BadSignature` or `SignatureExpired`."""
        value = signing.TimestampSigner(salt=UPDATE_PROPOSAL_SALT).unsign(
            token, max_age=settings.COMMITMENT_UPDATE_LINK_MAX_AGE
        )
        try:
            pk, last = (int(part) for part in value.split(":"))
            commitment = cls.objects.public().select_related("campaign", "commune", "epci").get(pk=pk)
        except (ValueError, cls.DoesNotExist):
            raise signing.BadSignature("Unknown commitment") from None
        return commitment, commitment._last_update_pk() == last

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


class MeasureFollowUp:
    """Where one measure of a commitment stands: its status, dated timeline (newest first) and evidence."""

    def __init__(self, proposal, timeline):
        self.proposal = proposal
        self.timeline = timeline
        self.latest = timeline[0] if timeline else None

    @property
    def status(self):
        return self.latest.status if self.latest else Commitment.FollowUp.ENGAGED

    def get_status_display(self):
        return Commitment.FollowUp(self.status).label

    @property
    def evidence(self):
        return [u for u in self.timeline if u.has_evidence]

    @property
    def undocumented(self):
        """A "réalisé" that no update of this measure documents (shown "déclaré, non documenté")."""
        return self.status == Commitment.FollowUp.DONE and not self.evidence
