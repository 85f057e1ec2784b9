"""Models of the proposals app: the campaign content (`campaign`) and the commitments (`commitments`) with
their follow-up entries (`updates`) and the alerts on them (`alerts`)."""

from proposals.models.alerts import ALERT_CONFIRMATION_MAX_AGE, ALERT_RATE, AlertSubscription
from proposals.models.campaign import Axis, Campaign, CampaignQuerySet, Proposal, ProposalQuerySet
from proposals.models.commitments import ANONYMISED_NAME, CONFIRMATION_SALT, Commitment, CommitmentQuerySet
from proposals.models.updates import CommitmentUpdate, UpdateQuerySet

__all__ = [
    "ALERT_CONFIRMATION_MAX_AGE",
    "ALERT_RATE",
    "AlertSubscription",
    "ANONYMISED_NAME",
    "CONFIRMATION_SALT",
    "Axis",
    "Campaign",
    "CampaignQuerySet",
    "Commitment",
    "CommitmentQuerySet",
    "CommitmentUpdate",
    "Proposal",
    "ProposalQuerySet",
    "UpdateQuerySet",
]
