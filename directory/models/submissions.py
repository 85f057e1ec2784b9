"""What the public and members submit about the catalogue, reviewed by staff before anything changes.

Every submission has a `status` (`ReviewStatus`) and a `reviewed_at`, and its queryset a `pending()`:
that is the small protocol `directory.moderation` works on.
"""

import copy

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from stdnum.fr import siren as siren_number

from directory.models.catalogue import Organisation, Sector, rule_errors


class ReviewStatus(models.TextChoices):
    """Where a submission stands in the staff's review."""

    NEW = "new", "Nouvelle"
    ACCEPTED = "accepted", "Acceptée"
    REJECTED = "rejected", "Refusée"


class SubmissionQuerySet(models.QuerySet):
    def pending(self):
        """Submissions staff have not reviewed yet."""
        return self.filter(status=ReviewStatus.NEW)


class Reviewed:
    """The moderation protocol (see directory.moderation) for models with `status`, `reviewed_at`.

    A refusal's message is kept in `staff_notes`; a model that keeps it elsewhere overrides
    `keep_refusal_message` (ProposedChange: for the member's space). Who reviewed is not recorded for these
    (no column for it): `by` is accepted for the protocol's sake.
    """

    def can_be_approved(self):
        return self.status == ReviewStatus.NEW

    can_be_refused = can_be_approved

    def mark_approved(self, by=None):
        self._mark(ReviewStatus.ACCEPTED)

    def mark_refused(self, by=None, message=""):
        self._mark(ReviewStatus.REJECTED, self.keep_refusal_message(message))

    def keep_refusal_message(self, message):
        """Keep the refusal's message (it also goes by mail) in the staff notes; return the fields it changed."""
        if not message:
            return []
        self.staff_notes = f"{self.staff_notes}\n{message}".strip()
        return ["staff_notes"]

    def _mark(self, status, fields=()):
        self.status = status
        self.reviewed_at = timezone.now()
        self.save(update_fields=["status", "reviewed_at", *fields])


class MembershipApplication(Reviewed, models.Model):
    """A request to join the network sent from /adherer/, reviewed by staff before anything is published."""

    organisation_name = models.CharField("nom de la structure", max_length=200)
    kind = models.CharField("type de structure", max_length=20, choices=Organisation.Kind.choices)
    siren = models.CharField("SIREN", max_length=9, blank=True, help_text="Facultatif : 9 chiffres, sans espace.")
    address = models.CharField("adresse", max_length=250, blank=True)
    postal_code = models.CharField("code postal", max_length=5)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name="commune",
        on_delete=models.PROTECT,
        related_name="membership_applications",
    )
    website = models.URLField("site web", blank=True)
    sectors = models.ManyToManyField(
        Sector, verbose_name="secteurs d'activité", related_name="membership_applications", blank=True
    )
    presentation = models.TextField("présentation courte", max_length=1500)

    contact_name = models.CharField("personne à contacter", max_length=150)
    email = models.EmailField("courriel")
    phone = models.CharField("téléphone", max_length=30, blank=True)

    accepts_social_utility = models.BooleanField("utilité sociale", default=False)
    accepts_territorial_anchoring = models.BooleanField("ancrage territorial", default=False)
    accepts_democratic_governance = models.BooleanField("gouvernance démocratique", default=False)
    accepts_limited_profit = models.BooleanField("lucrativité limitée", default=False)
    consents_to_processing = models.BooleanField("consentement au traitement des données", default=False)

    status = models.CharField("statut", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.NEW)
    staff_notes = models.TextField("notes internes", blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation créée ou mise à jour",
        on_delete=models.SET_NULL,
        related_name="membership_applications",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField("reçue le", auto_now_add=True)
    reviewed_at = models.DateTimeField("traitée le", null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    PRINCIPLE_FIELDS = (
        "accepts_social_utility",
        "accepts_territorial_anchoring",
        "accepts_democratic_governance",
        "accepts_limited_profit",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "demande d'adhésion"
        verbose_name_plural = "demandes d'adhésion"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    accepts_social_utility=True,
                    accepts_territorial_anchoring=True,
                    accepts_democratic_governance=True,
                    accepts_limited_profit=True,
                    consents_to_processing=True,
                ),
                name="directory_application_charter_and_consent_accepted",
            ),
        ]

    def __str__(self):
        return f"{self.organisation_name} ({self.get_status_display().lower()})"

    def get_admin_url(self):
        return reverse("admin:directory_membershipapplication_change", args=[self.pk])

    def clean_fields(self, exclude=None):
        # Mirrors the named check constraint field by field, skipping fields a form already refused.
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for name in (*self.PRINCIPLE_FIELDS, "consents_to_processing"):
            if name not in (exclude or ()) and name not in errors and not getattr(self, name):
                errors[name] = ["Cette case doit être cochée pour que la demande soit recevable."]
        if errors:
            raise ValidationError(errors)

    def clean(self):
        if self.siren and not siren_number.is_valid(self.siren):
            raise ValidationError({"siren": "Ce numéro SIREN n'est pas valide (9 chiffres, clé de contrôle)."})


class CorrectionRequest(Reviewed, models.Model):
    """A correction to an organisation's public page suggested by anyone, reviewed by staff."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.CASCADE, related_name="correction_requests"
    )
    message = models.TextField("correction proposée", max_length=3000)
    contact_name = models.CharField("nom", max_length=150, blank=True)
    contact_email = models.EmailField("courriel", blank=True)
    status = models.CharField("statut", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.NEW)
    staff_notes = models.TextField("notes internes", blank=True)
    created_at = models.DateTimeField("reçue le", auto_now_add=True)
    reviewed_at = models.DateTimeField("traitée le", null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "signalement de correction"
        verbose_name_plural = "signalements de correction"

    def __str__(self):
        return f"Correction pour {self.organisation}"

    def get_admin_url(self):
        return reverse("admin:directory_correctionrequest_change", args=[self.pk])


class OrganisationMembership(models.Model):
    """A user account attached by staff to a member organisation (the member space)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="compte",
        on_delete=models.CASCADE,
        related_name="organisation_memberships",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.CASCADE, related_name="memberships"
    )
    created_at = models.DateTimeField("rattaché le", auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__username"]
        verbose_name = "compte membre"
        verbose_name_plural = "comptes membres"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="directory_membership_user_org_unique")
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation}"

    def get_admin_url(self):
        return reverse("admin:directory_organisationmembership_change", args=[self.pk])


class ProposedChange(Reviewed, models.Model):
    """Changes to an organisation's record proposed by one of its members, applied only once staff accept them."""

    #: The fields a member may propose to change; everything else stays with staff.
    EDITABLE_FIELDS = (
        "short_description",
        "description",
        "address",
        "postal_code",
        "email",
        "phone",
        "website",
        "facebook_url",
        "linkedin_url",
        "instagram_url",
    )

    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.CASCADE, related_name="proposed_changes"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="proposée par",
        on_delete=models.SET_NULL,
        related_name="proposed_changes",
        null=True,
    )
    changes = models.JSONField("modifications", default=dict, help_text="Champ → nouvelle valeur.")
    message = models.TextField("message à l'équipe", blank=True, max_length=2000)
    status = models.CharField("statut", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.NEW)
    created_at = models.DateTimeField("proposée le", auto_now_add=True)
    reviewed_at = models.DateTimeField("traitée le", null=True, blank=True)
    review_message = models.TextField(
        "message de l'équipe",
        blank=True,
        help_text="Ce que l'équipe a répondu en refusant ; le membre le lit dans son espace.",
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "modification proposée"
        verbose_name_plural = "modifications proposées"

    def __str__(self):
        return f"Modification de {self.organisation}"

    def get_admin_url(self):
        return reverse("admin:directory_proposedchange_change", args=[self.pk])

    def keep_refusal_message(self, message):
        """The message to the member is kept for their space (it also goes by mail); no staff notes here."""
        self.review_message = message.strip()
        return ["review_message"]

    def clean(self):
        unknown = set(self.changes or {}) - set(self.EDITABLE_FIELDS)
        if unknown:
            raise ValidationError({"changes": f"Champs non modifiables : {', '.join(sorted(unknown))}."})
        problems = self.rule_problems()
        if problems:
            raise ValidationError({"changes": list(problems.values())})

    def proposed_record(self):
        """A copy of the organisation with the proposed values, never saved (the record changes on acceptance)."""
        record = copy.copy(self.organisation)
        for name, value in (self.changes or {}).items():
            if name in self.EDITABLE_FIELDS:
                setattr(record, name, value)
        return record

    def rule_problems(self):
        """{field: French message} for the proposed values that break the record's rules (Organisation.clean)."""
        changed = set(self.changes or {})
        return {name: message for name, message in rule_errors(self.proposed_record()).items() if name in changed}


class CheckFinding(Reviewed, models.Model):
    """What an automatic check against a public registry found that staff should look at.

    `manage.py check_sirene` and the batch geocoder file them; nothing is applied to the organisation:
    staff read the evidence, edit the record by hand if needed, then mark the finding handled (accept) or
    dismiss it (refuse). One open finding per organisation and kind at a time.
    """

    class Kind(models.TextChoices):
        UNIT_CLOSED = "unit-closed", "Unité légale fermée (SIRENE)"
        ESTABLISHMENT_CLOSED = "siret-closed", "Établissement fermé (SIRENE)"
        UNKNOWN_SIRET = "siret-unknown", "SIRET introuvable (SIRENE)"
        UNKNOWN_SIREN = "siren-unknown", "SIREN introuvable (SIRENE)"
        MOVED = "moved", "Adresse différente dans SIRENE"
        LOW_GEOCODING_SCORE = "geocoding", "Géocodage peu sûr"

    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.CASCADE, related_name="check_findings"
    )
    kind = models.CharField("constat", max_length=20, choices=Kind.choices)
    summary = models.CharField("résumé", max_length=300)
    evidence = models.JSONField("éléments relevés", default=dict, blank=True)
    status = models.CharField("statut", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.NEW)
    staff_notes = models.TextField("notes internes", blank=True)
    created_at = models.DateTimeField("relevé le", auto_now_add=True)
    reviewed_at = models.DateTimeField("traité le", null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "constat de vérification automatique"
        verbose_name_plural = "constats de vérification automatique"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"],
                condition=Q(status="new"),
                name="directory_checkfinding_one_open_per_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} : {self.organisation}"

    def get_admin_url(self):
        return reverse("admin:directory_checkfinding_change", args=[self.pk])

    @classmethod
    def file(cls, organisation, kind, summary, evidence):
        """Open a finding, or refresh the evidence of the open one of that kind; return (finding, created)."""
        finding, created = cls.objects.update_or_create(
            organisation=organisation,
            kind=kind,
            status=ReviewStatus.NEW,
            defaults={"summary": summary[:300], "evidence": evidence},
        )
        return finding, created
