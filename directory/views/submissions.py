"""What the public and members send to the staff: membership applications, corrections, proposed changes.

Each view stores the submission, tells the staff (core/notify.py) and never publishes anything itself
(see directory/moderation.py). Public forms are rate-limited per IP and carry a honeypot field.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods

from core.antispam import rate_limited
from core.notify import notify, notify_staff
from directory.forms import CorrectionRequestForm, MemberLoginForm, MembershipApplicationForm, ProposedChangeForm
from directory.models import Organisation, OrganisationMembership, ProposedChange

#: How many of their latest proposals the member space lists.
MEMBER_PROPOSALS = 20


@require_http_methods(["GET", "POST"])
@rate_limited("membership-application", "5/h")
def membership_apply(request):
    form = MembershipApplicationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        application = form.save()
        notify_staff(
            f"Nouvelle demande d'adhésion : {application.organisation_name}",
            "mail/membership_application.txt",
            {"application": application, "admin_url": request.build_absolute_uri(application.get_admin_url())},
        )
        notify(
            application.email,
            "Votre demande d'adhésion à l'Apes Hauts-de-France",
            "mail/membership_received.txt",
            {"application": application},
        )
        return redirect("directory:membership-thanks")
    return render(request, "directory/submissions/application_form.html", {"form": form})


def membership_thanks(request):
    return render(request, "directory/submissions/application_thanks.html")


@require_http_methods(["GET", "POST"])
@rate_limited("correction-request", "5/h")
def correction_create(request, slug):
    organisation = get_object_or_404(Organisation.objects.published().select_related("commune"), slug=slug)
    form = CorrectionRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        correction = form.save(commit=False)
        correction.organisation = organisation
        correction.save()
        notify_staff(
            f"Correction signalée : {organisation.name}",
            "mail/correction_request.txt",
            {
                "correction": correction,
                "organisation": organisation,
                "admin_url": request.build_absolute_uri(correction.get_admin_url()),
            },
        )
        notify(
            correction.contact_email,
            f"Votre signalement sur « {organisation.name} »",
            "mail/correction_received.txt",
            {"correction": correction, "organisation": organisation},
        )
        messages.success(request, "Merci : votre signalement a bien été transmis à l'équipe de l'Apes.")
        return redirect(organisation)
    return render(request, "directory/submissions/correction_form.html", {"form": form, "organisation": organisation})


class MemberLoginView(auth_views.LoginView):
    """Sign-in for members (non-staff accounts); django-axes locks out repeated failures."""

    template_name = "directory/submissions/member_login.html"
    authentication_form = MemberLoginForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("directory:member-space")


class MemberLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("home")


def _member_organisation(request):
    """The organisation the signed-in member works on: ?organisation=<slug> among theirs, or their first."""
    memberships = OrganisationMembership.objects.filter(user=request.user).select_related("organisation")
    slug = request.GET.get("organisation") or request.POST.get("organisation")
    if slug:
        membership = memberships.filter(organisation__slug=slug).first()
        if membership is None:
            raise Http404("Vous n'êtes rattaché·e à aucune organisation portant ce nom.")
        return membership.organisation, memberships
    membership = memberships.first()
    return (membership.organisation if membership else None), memberships


@login_required(login_url=reverse_lazy("directory:member-login"))
@require_http_methods(["GET", "POST"])
def member_space(request):
    organisation, memberships = _member_organisation(request)
    if organisation is None:
        return render(request, "directory/submissions/member_space.html", {"organisation": None})

    form = ProposedChangeForm(request.POST if request.method == "POST" else None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        change = ProposedChange.objects.create(
            organisation=organisation,
            proposed_by=request.user,
            changes=form.changes(),
            message=form.cleaned_data["message"],
        )
        notify_staff(
            f"Modification proposée : {organisation.name}",
            "mail/proposed_change.txt",
            {
                "change": change,
                "organisation": organisation,
                "admin_url": request.build_absolute_uri(change.get_admin_url()),
            },
        )
        messages.success(
            request,
            "Merci : vos modifications sont transmises à l'équipe de l'Apes, qui les vérifiera avant publication.",
        )
        return redirect(f"{reverse('directory:member-space')}?organisation={organisation.slug}")

    # Every proposal of theirs, handled ones too: a decision never makes one vanish without a trace.
    proposals = organisation.proposed_changes.filter(proposed_by=request.user).order_by("-created_at")[
        :MEMBER_PROPOSALS
    ]
    return render(
        request,
        "directory/submissions/member_space.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "form": form,
            "proposals": proposals,
        },
    )
