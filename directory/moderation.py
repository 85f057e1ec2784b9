"""Moderation of what the public and members submit, and detection of likely duplicates.

Nothing submitted from the public site is published directly: an accepted membership application
creates (or updates) an organisation that stays unpublished until staff publish it, and a member's
proposed change touches the record only when staff accept it. Staff are told by email when
something arrives.
"""

import logging
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify

from core.text import normalize
from directory.models import Organisation, ProposedChange, ReviewStatus

logger = logging.getLogger(__name__)

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


def find_duplicates(*, name, commune=None, siren="", exclude_pk=None):
    """Organisations that are likely the one described: same SIREN, or a very similar name in the same commune."""
    queryset = Organisation.objects.select_related("commune")
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    found = {}
    if siren:
        for organisation in queryset.filter(siren=siren):
            found[organisation.pk] = Duplicate(organisation, "même numéro SIREN")
    commune_id = getattr(commune, "pk", commune)
    if name and commune_id:
        for organisation in queryset.filter(commune_id=commune_id).only("id", "name", "slug", "commune"):
            if organisation.pk not in found and names_are_similar(name, organisation.name):
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


@transaction.atomic
def accept_application(application):
    """Accept a membership application; return (organisation, created).

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
    if not organisation.short_description:
        organisation.short_description = application.presentation[:300]
    if not organisation.description:
        organisation.description = application.presentation
    organisation.is_member = True
    today = timezone.localdate()
    organisation.member_since = organisation.member_since or today
    organisation.charter_signed_on = organisation.charter_signed_on or timezone.localdate(application.created_at)
    organisation._change_reason = f"Demande d'adhésion n° {application.pk} acceptée"
    organisation.save()
    organisation.sectors.add(*application.sectors.all())

    application.organisation = organisation
    application.status = ReviewStatus.ACCEPTED
    application.reviewed_at = timezone.now()
    application.save(update_fields=["organisation", "status", "reviewed_at"])
    return organisation, created


def reject(submission):
    """Mark an application, a correction or a proposed change as refused (kept for the record)."""
    submission.status = ReviewStatus.REJECTED
    submission.reviewed_at = timezone.now()
    submission.save(update_fields=["status", "reviewed_at"])


def close(submission):
    """Mark a correction request as handled."""
    submission.status = ReviewStatus.ACCEPTED
    submission.reviewed_at = timezone.now()
    submission.save(update_fields=["status", "reviewed_at"])


@transaction.atomic
def apply_proposed_change(change):
    """Copy a member's proposed values onto the organisation (recorded in its history) and close the proposal."""
    organisation = change.organisation
    for field, value in change.changes.items():
        if field in ProposedChange.EDITABLE_FIELDS:
            setattr(organisation, field, value)
    author = change.proposed_by.get_username() if change.proposed_by else "un membre"
    organisation._change_reason = f"Modification proposée par {author}, acceptée"
    organisation.full_clean()
    organisation.save()
    change.status = ReviewStatus.ACCEPTED
    change.reviewed_at = timezone.now()
    change.save(update_fields=["status", "reviewed_at"])
    return organisation


def notify_staff(request, subject, template_name, context):
    """Email the staff (STAFF_NOTIFICATION_EMAILS); a mail failure is logged, never shown to the public."""
    recipients = settings.STAFF_NOTIFICATION_EMAILS
    if not recipients:
        return
    context = {**context, "admin_url": request.build_absolute_uri(context["admin_path"])}
    body = render_to_string(template_name, context)
    subject = " ".join(f"[Apes] {subject}".split())[:200]  # names come from the public: no line breaks
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:  # noqa: BLE001 — the submission is saved; a mail outage must not lose it or show a 500.
        logger.exception("Could not send the staff notification %r", subject)
