"""Signing a commitment (form, signed confirmation link) and proposing a follow-up update through a signed link.

Nothing is public until staff act: a commitment once its signatory confirmed it by email, a proposed
update once moderated (`directory.moderation`, from the admin).
"""

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.antispam import rate_limited
from proposals.forms import CommitmentForm, ProposedUpdateForm
from proposals.mails import send_confirmation_email, tell_staff_about, tell_staff_about_proposed_update
from proposals.models import Commitment, Proposal
from proposals.views.campaign import get_current_campaign


@require_http_methods(["GET", "POST"])
@rate_limited("proposals-commitment", settings.COMMITMENT_RATE)
def commitment_create(request):
    """Sign commitments; nothing is public until the email is confirmed and staff validate."""
    campaign = get_current_campaign()
    if not campaign.commitments_open:
        status = 403 if request.method == "POST" else 200
        return render(request, "proposals/commitment_closed.html", {"campaign": campaign}, status=status)
    if request.method == "POST":
        form = CommitmentForm(request.POST, campaign=campaign)
        if form.is_valid():
            replaced = form.instance.pk is not None
            with transaction.atomic():
                commitment = form.save()
            send_confirmation_email(request, commitment)
            if replaced:
                messages.info(
                    request,
                    "Vous aviez déjà rempli ce formulaire sans le confirmer : vos nouveaux choix remplacent "
                    "les précédents et un nouveau lien de confirmation vient de vous être envoyé.",
                )
            return redirect("proposals:commitment-sent")
    else:
        # "S'engager sur cette proposition" links preselect it: ?proposition=<slug> (repeatable).
        wanted = Proposal.objects.filter(axis__campaign=campaign, slug__in=request.GET.getlist("proposition")[:50])
        initial = {"proposals": [p.pk for p in wanted]} if "proposition" in request.GET else {}
        form = CommitmentForm(campaign=campaign, initial=initial)
    context = {"campaign": campaign, "form": form, "after_vote": campaign.is_after_vote}
    return render(request, "proposals/commitment_form.html", context)


@require_GET
def commitment_sent(request):
    days = max(1, settings.COMMITMENT_CONFIRMATION_MAX_AGE // 86400)
    return render(request, "proposals/commitment_sent.html", {"days": days})


@require_http_methods(["GET", "POST"])
@rate_limited("proposals-confirm", "30/h")
def commitment_confirm(request, token):
    """Check the signed link; GET shows what will be confirmed, POST confirms (link scanners only GET)."""
    try:
        commitment = Commitment.from_confirmation_token(token)
    except signing.SignatureExpired:
        days = max(1, settings.COMMITMENT_CONFIRMATION_MAX_AGE // 86400)
        return render(request, "proposals/confirm_invalid.html", {"expired": True, "days": days}, status=400)
    except signing.BadSignature:
        return render(request, "proposals/confirm_invalid.html", {"expired": False}, status=400)

    if commitment.status != Commitment.Status.PENDING:
        return render(request, "proposals/confirm_done.html", {"commitment": commitment, "already": True})
    if request.method == "POST":
        if commitment.confirm():
            tell_staff_about(request, commitment)
        return render(request, "proposals/confirm_done.html", {"commitment": commitment, "already": False})
    proposals = commitment.proposals.select_related("axis").order_by("axis__order", "order")
    return render(request, "proposals/confirm.html", {"commitment": commitment, "proposals": proposals})


@require_http_methods(["GET", "POST"])
@rate_limited("proposals-update", "20/h")
def update_propose(request, token):
    """The elected team proposes an update (status, note, evidence) of one measure; staff moderate it."""
    try:
        commitment, still_valid = Commitment.from_update_token(token)
    except signing.SignatureExpired:
        return render(request, "proposals/update_invalid.html", {"reason": "expired"}, status=400)
    except signing.BadSignature:
        return render(request, "proposals/update_invalid.html", {"reason": "invalid"}, status=400)
    if not still_valid:
        return render(request, "proposals/update_invalid.html", {"reason": "used"}, status=409)
    if request.method == "POST":
        form = ProposedUpdateForm(request.POST, request.FILES, commitment=commitment)
        if form.is_valid():
            with transaction.atomic():
                update = form.save()
            tell_staff_about_proposed_update(request, update)
            return render(request, "proposals/update_sent.html", {"commitment": commitment})
    else:
        form = ProposedUpdateForm(commitment=commitment)
    status = 400 if form.errors else 200
    return render(request, "proposals/update_form.html", {"commitment": commitment, "form": form}, status=status)
