"""Email alerts on the follow-up, without an account: a subscription to one EPCI or one measure.

Double opt-in: a subscription is created unconfirmed and gets nothing until its address confirms it
through a signed, expiring link. Consent (the box ticked on the form) is recorded with its date.
Every alert carries a signed unsubscribe link (no expiry: an old mail must still let people leave);
tokens sign a random key, never the address, so a link reveals nothing and cannot be forged.
"""

import datetime
import secrets

from django.core import signing
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from proposals.models.campaign import Proposal
from proposals.models.updates import CommitmentUpdate

ALERT_CONFIRM_SALT = "proposals.alert.confirm"
ALERT_UNSUBSCRIBE_SALT = "proposals.alert.unsubscribe"
#: Validity of the confirmation link, seconds; unconfirmed subscriptions older than that are deleted.
ALERT_CONFIRMATION_MAX_AGE = 7 * 24 * 3600
#: Subscription form submissions per client IP (django-ratelimit syntax).
ALERT_RATE = "5/h"


def new_key():
    return secrets.token_urlsafe(24)


class AlertSubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def due(self, now=None):
        """Confirmed subscriptions of the addresses not mailed yet today (one alert per address per day)."""
        today = timezone.localdate(now or timezone.now())
        start_of_day = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
        mailed_today = self.filter(last_sent_at__gte=start_of_day).values("email")
        return self.confirmed().exclude(email__in=mailed_today)

    def stale(self, now=None):
        """Subscriptions never confirmed whose link has expired: kept no longer than needed."""
        limit = (now or timezone.now()) - datetime.timedelta(seconds=ALERT_CONFIRMATION_MAX_AGE)
        return self.filter(confirmed_at__isnull=True, created_at__lt=limit)


class AlertSubscription(models.Model):
    """One address following one EPCI or one measure."""

    email = models.EmailField("adresse électronique")
    epci = models.ForeignKey(
        "territories.Epci",
        verbose_name="intercommunalité",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name="mesure",
        on_delete=models.CASCADE,
        related_name="alert_subscriptions",
        null=True,
        blank=True,
    )
    key = models.CharField(max_length=64, unique=True, default=new_key, editable=False)
    consent_at = models.DateTimeField("consentement donné le")
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)
    last_sent_at = models.DateTimeField("dernière alerte le", null=True, blank=True)

    objects = AlertSubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = "abonnement aux alertes"
        verbose_name_plural = "abonnements aux alertes"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(epci__isnull=False, proposal__isnull=True) | Q(epci__isnull=True, proposal__isnull=False),
                name="proposals_alert_one_subject",
                violation_error_message="Un abonnement porte sur une intercommunalité ou sur une mesure.",
            ),
            models.UniqueConstraint(
                fields=["email", "epci"], condition=Q(epci__isnull=False), name="proposals_alert_unique_epci"
            ),
            models.UniqueConstraint(
                fields=["email", "proposal"], condition=Q(proposal__isnull=False), name="proposals_alert_unique_measure"
            ),
        ]

    def __str__(self):
        return f"{self.email} · {self.subject_name}"

    @property
    def subject_name(self):
        return self.epci.name if self.epci_id else self.proposal.title

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    def subject_url(self):
        """The public page of what is followed."""
        if self.epci_id:
            return self.epci.get_absolute_url()
        return reverse("proposals:measure-detail", kwargs={"slug": self.proposal.slug})

    # Signed links ----------------------------------------------------------------------------

    def confirmation_token(self):
        return signing.TimestampSigner(salt=ALERT_CONFIRM_SALT).sign(self.key)

    def unsubscribe_token(self, everything=False):
        """A link leaving this alert, or with `everything` every alert of the same address (List-Unsubscribe)."""
        return signing.Signer(salt=ALERT_UNSUBSCRIBE_SALT).sign(f"{'all' if everything else 'one'}:{self.key}")

    @classmethod
    def from_confirmation_token(cls, token):
        """The subscription, or None when it is gone; raises `signing.SignatureExpired` or `BadSignature`."""
        key = signing.TimestampSigner(salt=ALERT_CONFIRM_SALT).unsign(token, max_age=ALERT_CONFIRMATION_MAX_AGE)
        return cls.objects.select_related("epci", "proposal").filter(key=key).first()

    @classmethod
    def unsubscribe(cls, token):
        """Delete what an unsubscribe link names; raises `signing.BadSignature` when it was tampered with.

        Answers nothing about the address: a link already used, or naming a subscription gone, is no error.
        """
        scope, _, key = signing.Signer(salt=ALERT_UNSUBSCRIBE_SALT).unsign(token).partition(":")
        if scope not in ("one", "all") or not key:
            raise signing.BadSignature("Malformed unsubscribe link")
        subscriptions = cls.objects.filter(key=key)
        if scope == "all":
            subscriptions = cls.objects.filter(email__in=subscriptions.values("email"))
        subscriptions.delete()

    @classmethod
    def check_unsubscribe_token(cls, token):
        """Raise `signing.BadSignature` for a tampered link (the page shown before the button, no lookup)."""
        signing.Signer(salt=ALERT_UNSUBSCRIBE_SALT).unsign(token)

    def confirm(self):
        if self.confirmed_at is None:
            self.confirmed_at = timezone.now()
            self.save(update_fields=["confirmed_at"])

    # What an alert lists ---------------------------------------------------------------------

    def pending_updates(self):
        """Public updates published since the last alert (or the confirmation), oldest first."""
        since = self.last_sent_at or self.confirmed_at
        updates = CommitmentUpdate.objects.public().filter(published_at__gt=since)
        updates = updates.for_epci(self.epci_id) if self.epci_id else updates.for_measure(self.proposal_id)
        return updates.order_by("published_at", "pk")
