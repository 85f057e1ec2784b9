"""Staff review of what the public and members submit: applications, corrections, proposed changes.

Every submission admin gets from `moderation_actions()` its "accept" and "refuse" list actions and the
"Accepter" / "Refuser" buttons of its own page (with an optional message to the person), all going
through `directory.moderation.approve` / `refuse` (the proposals' commitments admin uses it too).
After each decision `notify_decision()` tells the person who sent the submission, by mail.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from core.data import bumps_collected
from core.notify import notify
from directory import moderation
from directory.models import (
    CheckFinding,
    CorrectionRequest,
    MembershipApplication,
    Organisation,
    OrganisationMembership,
    ProposedChange,
)


def moderation_actions(*, noun, approve_label, refuse_label, approved, refused="refusé(s)", skipped_reason=""):
    """A mixin with the two admin actions of a kind of submission, `approve_selected` and `refuse_selected`.

    Messages read "{count} {noun} {approved}." ("3 demande(s) acceptée(s)."); submissions already
    reviewed are skipped and counted ("… ignoré(s)", followed by `skipped_reason` when given). An admin
    may define `describe_approval(request, submission, applied)` to report each accepted one.
    """

    class ModerationActions:
        actions = ["approve_selected", "refuse_selected"]
        change_form_template = "admin/directory/submission_change_form.html"

        @admin.action(description=approve_label, permissions=["change"])
        def approve_selected(self, request, queryset):
            done, skipped = 0, 0
            with bumps_collected():
                for submission in queryset:
                    if not submission.can_be_approved():
                        skipped += 1
                        continue
                    try:
                        applied = moderation.approve(submission, by=request.user)
                    except ValidationError as exc:
                        problems = " ".join(exc.messages)
                        self.message_user(request, f"{submission} : non appliquée ({problems})", messages.ERROR)
                        continue
                    done += 1
                    self.describe_approval(request, submission, applied)
                    self.notify_decision(request, submission, True, "")
            self.message_user(request, f"{done} {noun} {approved}.", messages.SUCCESS)
            self._report_skipped(request, skipped)

        @admin.action(description=refuse_label, permissions=["change"])
        def refuse_selected(self, request, queryset):
            done = 0
            with bumps_collected():
                for submission in queryset:
                    if moderation.refuse(submission, by=request.user):
                        done += 1
                        self.notify_decision(request, submission, False, "")
            self.message_user(request, f"{done} {noun} {refused}.", messages.SUCCESS)

        def change_view(self, request, object_id, form_url="", extra_context=None):
            obj = self.get_object(request, object_id)
            extra_context = {**(extra_context or {}), "can_decide": obj is not None and obj.can_be_approved()}
            return super().change_view(request, object_id, form_url, extra_context)

        def response_change(self, request, obj):
            """The "Accepter" / "Refuser" buttons of the submission's own page, after its notes are saved.

            Only reachable with the change permission (Django answers 403 to a POST without it).
            """
            message = request.POST.get("decision_message", "").strip()[:2000]
            if "_accept" in request.POST and obj.can_be_approved():
                try:
                    applied = moderation.approve(obj, by=request.user)
                except ValidationError as exc:
                    problems = " ".join(exc.messages)
                    self.message_user(request, f"{obj} : non appliquée ({problems})", messages.ERROR)
                    return redirect(request.path)
                self.describe_approval(request, obj, applied)
                self.notify_decision(request, obj, True, message)
                return redirect(self.after_approval_url(obj, applied))
            if "_reject" in request.POST and moderation.refuse(obj, by=request.user, message=message):
                self.notify_decision(request, obj, False, message)
                self.message_user(request, f"{obj} : {refused}.", messages.SUCCESS)
                return redirect(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_changelist")
            return super().response_change(request, obj)

        def after_approval_url(self, submission, applied):
            meta = submission._meta
            return reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")

        def describe_approval(self, request, submission, applied):
            pass

        def notify_decision(self, request, submission, accepted, message):
            """Tell the person who sent `submission` what became of it (each admin says how)."""

        def _report_skipped(self, request, skipped):
            if skipped:
                reason = f" : {skipped_reason}" if skipped_reason else " : déjà traité(s)"
                self.message_user(request, f"{skipped} {noun} ignoré(s){reason}.", messages.WARNING)

    return ModerationActions


class SubmissionAdmin:
    """What the directory's submission admins share: they are never typed in, and link to the organisation."""

    def has_add_permission(self, request):
        # Submissions come from the public site or the member space, never typed in the admin.
        return False

    @admin.display(description="organisation", ordering="organisation__name")
    def organisation_link(self, obj):
        if obj.organisation_id is None:
            return "—"
        url = reverse("admin:directory_organisation_change", args=[obj.organisation_id])
        return format_html('<a href="{}">{}</a>', url, obj.organisation)


@admin.register(MembershipApplication)
class MembershipApplicationAdmin(
    moderation_actions(
        noun="demande(s)",
        approve_label="Accepter : créer ou mettre à jour la fiche (non publiée)",
        refuse_label="Refuser les demandes sélectionnées",
        approved="acceptée(s)",
        refused="refusée(s)",
    ),
    SubmissionAdmin,
    admin.ModelAdmin,
):
    list_display = ["organisation_name", "kind", "commune", "contact_name", "created_at", "status", "organisation_link"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["organisation_name", "contact_name", "email", "siren"]
    list_select_related = ["commune", "organisation"]
    autocomplete_fields = ["commune", "organisation"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "status",
        "created_at",
        "reviewed_at",
        "likely_duplicates",
        *MembershipApplication.PRINCIPLE_FIELDS,
        "consents_to_processing",
    ]
    fieldsets = [
        ("Suivi", {"fields": [("status", "created_at", "reviewed_at"), "staff_notes"]}),
        (
            "Structure",
            {
                "fields": [
                    "organisation_name",
                    "kind",
                    "siren",
                    "address",
                    ("postal_code", "commune"),
                    "website",
                    "sectors",
                    "presentation",
                ]
            },
        ),
        ("Contact", {"fields": ["contact_name", "email", "phone"]}),
        (
            "Charte et consentement",
            {"fields": [*MembershipApplication.PRINCIPLE_FIELDS, "consents_to_processing"]},
        ),
        (
            "Fiche de l'annuaire",
            {
                "fields": ["likely_duplicates", "organisation"],
                "description": (
                    "À l'acceptation, la fiche choisie ici est mise à jour ; sans choix, celle qui a le même SIREN, "
                    "sinon une nouvelle fiche non publiée est créée."
                ),
            },
        ),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs.setdefault("widgets", {})["sectors"] = forms.CheckboxSelectMultiple
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.display(description="doublons probables")
    def likely_duplicates(self, obj):
        duplicates = moderation.find_duplicates(name=obj.organisation_name, commune=obj.commune_id, siren=obj.siren)
        return moderation.duplicates_html(duplicates) if duplicates else "Aucun doublon probable."

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET" and obj.can_be_approved():
            duplicates = moderation.find_duplicates(name=obj.organisation_name, commune=obj.commune_id, siren=obj.siren)
            if duplicates:
                messages.warning(request, moderation.duplicates_warning(duplicates, "Cette demande"))
        return super().change_view(request, object_id, form_url, extra_context)

    def after_approval_url(self, submission, applied):
        return reverse("admin:directory_organisation_change", args=[applied[0].pk])

    def notify_decision(self, request, submission, accepted, message):
        notify(
            submission.email,
            "Votre demande d'adhésion à l'Apes Hauts-de-France",
            "mail/membership_decision.txt",
            {"application": submission, "accepted": accepted, "message": message},
        )

    def describe_approval(self, request, submission, applied):
        organisation, created = applied
        url = reverse("admin:directory_organisation_change", args=[organisation.pk])
        verb = "créée (non publiée) : vérifiez-la puis publiez-la" if created else "mise à jour"
        self.message_user(
            request, format_html('Fiche <a href="{}">{}</a> {}.', url, organisation.name, verb), messages.SUCCESS
        )


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(
    moderation_actions(
        noun="signalement(s)",
        approve_label="Marquer comme traités",
        refuse_label="Refuser les signalements sélectionnés",
        approved="traité(s)",
    ),
    SubmissionAdmin,
    admin.ModelAdmin,
):
    list_display = ["created_at", "organisation_link", "excerpt", "contact_name", "status"]
    list_filter = ["status", "created_at"]
    search_fields = ["organisation__name", "message", "contact_name", "contact_email"]
    list_select_related = ["organisation"]
    readonly_fields = [
        "organisation_link",
        "message",
        "current_record",
        "contact_name",
        "contact_email",
        "status",
        "created_at",
    ]
    fields = [
        "organisation_link",
        ("message", "current_record"),
        ("contact_name", "contact_email"),
        ("status", "created_at"),
        "staff_notes",
    ]
    date_hierarchy = "created_at"

    @admin.display(description="correction proposée")
    def excerpt(self, obj):
        return Truncator(obj.message).chars(90)

    @admin.display(description="fiche actuelle")
    def current_record(self, obj):
        organisation = obj.organisation
        rows = (
            (Organisation._meta.get_field(name).verbose_name, getattr(organisation, name) or "—")
            for name in ProposedChange.EDITABLE_FIELDS
        )
        return format_html(
            "<table><tbody>{}</tbody></table>",
            format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td></tr>", rows),
        )

    def notify_decision(self, request, submission, accepted, message):
        organisation = submission.organisation
        notify(
            submission.contact_email,
            f"Votre signalement sur « {organisation.name} »",
            "mail/correction_outcome.txt",
            {
                "correction": submission,
                "organisation": organisation,
                "organisation_url": request.build_absolute_uri(organisation.get_absolute_url()),
                "accepted": accepted,
                "message": message,
            },
        )


@admin.register(ProposedChange)
class ProposedChangeAdmin(
    moderation_actions(
        noun="modification(s)",
        approve_label="Accepter : appliquer à la fiche",
        refuse_label="Refuser les modifications sélectionnées",
        approved="appliquée(s)",
        refused="refusée(s)",
    ),
    SubmissionAdmin,
    admin.ModelAdmin,
):
    list_display = ["created_at", "organisation_link", "proposed_by", "changed_fields", "status"]
    list_filter = ["status", "created_at"]
    search_fields = ["organisation__name", "proposed_by__username", "message"]
    list_select_related = ["organisation", "proposed_by"]
    readonly_fields = ["organisation_link", "author", "comparison", "message", "status", "created_at", "review_message"]
    fields = ["organisation_link", ("author", "created_at", "status"), "message", "comparison", "review_message"]

    @admin.display(description="proposée par")
    def author(self, obj):
        # Plain text: editors may not open user accounts, so no link to one.
        user = obj.proposed_by
        return f"{user.get_username()} <{user.email}>" if user else "—"

    def notify_decision(self, request, submission, accepted, message):
        user = submission.proposed_by
        if user is None:
            return
        notify(
            user.email,
            f"Votre proposition pour « {submission.organisation.name} »",
            "mail/proposed_change_outcome.txt",
            {
                "change": submission,
                "organisation": submission.organisation,
                "accepted": accepted,
                "message": message,
                "member_space_url": request.build_absolute_uri(reverse("directory:member-space")),
            },
        )

    @admin.display(description="champs modifiés")
    def changed_fields(self, obj):
        return ", ".join(str(Organisation._meta.get_field(name).verbose_name) for name in obj.changes)

    @admin.display(description="modifications")
    def comparison(self, obj):
        rows = (
            (Organisation._meta.get_field(name).verbose_name, getattr(obj.organisation, name), value)
            for name, value in obj.changes.items()
            if name in ProposedChange.EDITABLE_FIELDS
        )
        body = format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>", rows)
        return format_html(
            "<table><thead><tr><th scope='col'>champ</th><th scope='col'>valeur actuelle</th>"
            "<th scope='col'>valeur proposée</th></tr></thead><tbody>{}</tbody></table>",
            body,
        )


@admin.register(OrganisationMembership)
class OrganisationMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "created_at"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(CheckFinding)
class CheckFindingAdmin(
    moderation_actions(
        noun="constat(s)",
        approve_label="Marquer comme traités (fiche corrigée à la main si besoin)",
        refuse_label="Écarter les constats sélectionnés",
        approved="traité(s)",
        refused="écarté(s)",
    ),
    SubmissionAdmin,
    admin.ModelAdmin,
):
    """Findings of `check_sirene` and of the batch geocoder: evidence to read, nothing applied automatically."""

    list_display = ["created_at", "organisation_link", "kind", "summary", "status"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["organisation__name", "summary"]
    list_select_related = ["organisation"]
    readonly_fields = ["organisation_link", "kind", "summary", "evidence_list", "status", "created_at", "reviewed_at"]
    fields = [
        "organisation_link",
        ("kind", "status"),
        "summary",
        "evidence_list",
        ("created_at", "reviewed_at"),
        "staff_notes",
    ]
    date_hierarchy = "created_at"

    @admin.display(description="éléments relevés")
    def evidence_list(self, obj):
        items = sorted((obj.evidence or {}).items())
        if not items:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} : {}</li>", items))
