"""Moderation of what the public and members submit, and detection of likely duplicates.

Nothing submitted from the public site is published directly: an accepted membership application
creates (or updates) an organisation that stays unpublished until staff publish it, and a member's
proposed change touches the record only when staff accept it. `approve` and `refuse` are the one
accept/refuse pair for every kind of submission (the admin's actions all go through them).
"""

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Protocol

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify

from core.text import normalize
from directory.models import MembershipApplication, Organisation, ProposedChange

#: Two normalised names at least this similar (difflib ratio) are reported as a likely duplicate.
SIMILARITY_THRESHOLD = 0.85

# Words that say what kind of body an organisation is, not which one it is.
_GENERIC_WORDS = frozenset(
    {"association", "asso", "assoc", "scop", "scic", "sas", "sarl", "sa", "eurl", "sci", "cooperative", "coop"}
    | {"le", "la", "les", "l", "de", "des", "du", "d", "et", "en", "au", "aux"}
)


@dataclass(frozen=True)
class Duplicate:
    organisation: Organisation
    reason: str


def _core_name(name):
    words = normalize(name).split()
    core = [word for word in words if word not in _GENERIC_WORDS]
    return " ".join(core or words)


def names_are_similar(first, second):
    """True when two organisation names probably designate the same body ("Asso Maillage" ~ "Maillage")."""
    a, b = _core_name(first), _core_name(second)
    if not a or not b:
        return False
    return a == b or SequenceMatcher(None, a, b).ratio() >= SIMILARITY_THRESHOLD


def find_duplicates(*, name, commune=None, siren="", exclude_pk=None, same_commune=None):
    """Organisations that are likely the one described: same SIREN, or a very similar name in the same commune.

    `same_commune`: the commune's organisations when the caller has read them already (the import reads them
    once per commune, not once per row).
    """
    queryset = Organisation.objects.select_related("commune")
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    found = {}
    if siren:
        for organisation in queryset.filter(siren=siren):
            found[organisation.pk] = Duplicate(organisation, "même numéro SIREN")
    commune_id = getattr(commune, "pk", commune)
    if name and commune_id:
        if same_commune is None:
            same_commune = queryset.filter(commune_id=commune_id).only("id", "name", "slug", "commune")
        for organisation in same_commune:
            if (
                organisation.pk not in found
                and organisation.pk != exclude_pk
                and names_are_similar(name, organisation.name)
            ):
                found[organisation.pk] = Duplicate(organisation, "nom très proche dans la même commune")
    return list(found.values())


def duplicates_html(duplicates):
    """An HTML list of duplicates, each linked to its admin page (for admin messages and read-only fields)."""
    return format_html_join(
        ", ",
        '<a href="{}">{}</a> ({})',
        (
            (reverse("admin:directory_organisation_change", args=[d.organisation.pk]), d.organisation.name, d.reason)
            for d in duplicates
        ),
    )


def duplicates_warning(duplicates, subject="Cette organisation"):
    return format_html("{} ressemble peut-être à une fiche existante : {}.", subject, duplicates_html(duplicates))


def unique_slug(name, exclude_pk=None):
    """A slug from the name, suffixed -2, -3… if already taken."""
    base = slugify(name)[:190] or "organisation"
    taken = set(
        Organisation.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True)
    )
    slug, counter = base, 2
    while slug in taken:
        slug = f"{base}-{counter}"
        counter += 1
    return slug


class Submission(Protocol):
    """What moderation needs from a submission: the directory's three kinds, and the proposals' commitments."""

    def can_be_approved(self) -> bool: ...

    def can_be_refused(self) -> bool: ...

    def mark_approved(self, by=None) -> None: ...

    def mark_refused(self, by=None, message="") -> None: ...


def approve(submission, by=None):
    """Accept one submission: apply what it asks (in one transaction with its new status), and return that.

    A membership application returns `(organisation, created)`, a proposed change the organisation, any
    other kind None. Returns None, changing nothing, when the submission cannot be approved (already
    reviewed). A proposed change the organisation's validation refuses raises ValidationError, unchanged.
    """
    if not submission.can_be_approved():
        return None
    with transaction.atomic():
        apply = _APPLY.get(type(submission))
        applied = apply(submission) if apply else None
        submission.mark_approved(by)
    return applied


def refuse(submission, by=None, message=""):
    """Refuse one submission (kept for the record); `message` goes to the staff notes when it has some.

    Returns False, changing nothing, when the submission cannot be refused (already reviewed).
    """
    if not submission.can_be_refused():
        return False
    submission.mark_refused(by, message)
    return True


def _create_or_update_organisation(application):
    """What accepting a membership application does; return (organisation, created).

    The organisation updated is, in this order: the one staff linked to the application, the one
    with the same SIREN, or a new one. A new organisation is unpublished until staff publish it; an
    existing one keeps its publication state. Personal contact details are not copied to the public
    record: staff add the organisation's public email and phone themselves.
    """
    organisation = application.organisation
    if organisation is None and application.siren:
        organisation = Organisation.objects.filter(siren=application.siren).first()
    created = organisation is None
    if created:
        organisation = Organisation(
            name=application.organisation_name,
            slug=unique_slug(application.organisation_name),
            is_published=False,
        )
    organisation.kind = application.kind
    if application.siren:
        organisation.siren = application.siren
    organisation.address = application.address or organisation.address
    organisation.postal_code = application.postal_code
    if organisation.commune_id != application.commune_id:
        organisation.commune = application.commune
        organisation.latitude = organisation.longitude = None  # back to the new commune's centroid
    organisation.website = application.website or organisation.website
    # The application has one text: it becomes the short description when it fits, the detailed one otherwise
    # (never the same words twice on the public page).
    presentation = application.presentation.strip()
    if not organisation.short_description and not organisation.description:
        if len(presentation) <= 300:
            organisation.short_description = presentation
        else:
            organisation.description = presentation
    organisation.is_member = True
    organisation.member_since = organisation.member_since or timezone.localdate()
    organisation.charter_signed_on = organisation.charter_signed_on or timezone.localdate(application.created_at)
    organisation._change_reason = f"Demande d'adhésion n° {application.pk} acceptée"
    organisation.full_clean()  # the record's rules, as in the admin: a refusal rolls the acceptance back
    organisation.save()
    organisation.sectors.add(*application.sectors.all())
    application.organisation = organisation
    application.save(update_fields=["organisation"])
    return organisation, created


def _apply_proposed_change(change):
    """What accepting a member's proposed change does: copy its values onto the organisation (with history)."""
    organisation = change.organisation
    for field, value in change.changes.items():
        if field in ProposedChange.EDITABLE_FIELDS:
            setattr(organisation, field, value)
    author = change.proposed_by.get_username() if change.proposed_by else "un membre"
    organisation._change_reason = f"Modification proposée par {author}, acceptée"
    organisation.full_clean()
    organisation.save()
    return organisation


# A correction request has nothing to apply: staff edit the record by hand, then mark it handled.
_APPLY = {MembershipApplication: _create_or_update_organisation, ProposedChange: _apply_proposed_change}
