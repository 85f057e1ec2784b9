"""Who may download a publication.

One rule, used by the download view, the detail page and the tests:

* public documents: everyone;
* members-only documents: staff; accounts that staff attached to an organisation that is a member
  of the network (``directory.OrganisationMembership``); and any account holding the permission
  ``publications.download_members_only`` (directly or through a group), for partners given access
  by hand.
"""

MEMBERS_PERMISSION = "publications.download_members_only"


def is_member(user):
    """True for a signed-in person allowed to read members-only documents."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.has_perm(MEMBERS_PERMISSION):
        return True
    return user.organisation_memberships.filter(organisation__is_member=True).exists()


def can_download(user, publication):
    """True when `user` may download `publication`'s file."""
    if not publication.is_members_only:
        return True
    return is_member(user)
