"""The directory's models: the catalogue (`catalogue`) and what the public and members submit about it
(`submissions`). Import them from here: `from directory.models import Organisation`."""

from .catalogue import Organisation, OrganisationQuerySet, Sector, SireneState
from .submissions import (
    CheckFinding,
    CorrectionRequest,
    MembershipApplication,
    OrganisationMembership,
    ProposedChange,
    ReviewStatus,
    SubmissionQuerySet,
)

__all__ = [
    "CheckFinding",
    "CorrectionRequest",
    "MembershipApplication",
    "Organisation",
    "OrganisationMembership",
    "OrganisationQuerySet",
    "ProposedChange",
    "ReviewStatus",
    "Sector",
    "SireneState",
    "SubmissionQuerySet",
]
