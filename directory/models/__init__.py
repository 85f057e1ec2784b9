"""The directory's models: the catalogue (`catalogue`) and what the public and members submit about it
(`submissions`). Import them from here: `from directory.models import Organisation`."""

from .catalogue import Organisation, OrganisationQuerySet, Sector
from .submissions import (
    CorrectionRequest,
    MembershipApplication,
    OrganisationMembership,
    ProposedChange,
    ReviewStatus,
    SubmissionQuerySet,
)

__all__ = [
    "CorrectionRequest",
    "MembershipApplication",
    "Organisation",
    "OrganisationMembership",
    "OrganisationQuerySet",
    "ProposedChange",
    "ReviewStatus",
    "Sector",
    "SubmissionQuerySet",
]
