"""Who may download a publication.

One rule, used by the download view, the detail page and the tests:

* public documents: everyone;
* members-only documents: staff, and any account holding the permission
  ``publications.download_members_only`` (directly or through a group). Member accounts of the
  network's member organisations are given this permission by the directory's member-account
  machinery; nothing here depends on how that is done.
"""

MEMBERS_PERMISSION = "publications.download_members_only"


def is_member(user):
    """True for a signed-in person allowed to read members-only documents."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.has_perm(MEMBERS_PERMISSION)


def can_download(user, publication):
    """True when `user` may download `publication`'s file."""
    if not publication.is_members_only:
        return True
    return is_member(user)
