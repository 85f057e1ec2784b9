"""Admin of the Municipales 2026 campaign: content with history, commitment moderation and follow-up."""

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html

from core.data import bumps_collected
from core.history import FrenchHistoryAdmin
from directory.admin.moderation import moderation_actions
from proposals.mails import (
    send_refused_email,
    send_update_published_email,
    send_update_refused_email,
    send_validated_email,
)
from proposals.models import AlertSubscription, Axis, Campaign, Commitment, CommitmentUpdate, Proposal
from proposals.review import build_review, review_zip


class AxisInline(admin.TabularInline):
    model = Axis
    fields = ["order", "title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    extra = 0
    show_change_link = True


@admin.register(Campaign)
class CampaignAdmin(FrenchHistoryAdmin):
    list_display = ["title", "year", "first_round_on", "second_round_on", "phase_display", "is_published", "updated_at"]
    list_filter = ["is_published", "commitments_open"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [AxisInline]
    autocomplete_fields = ["brochure"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "year", "summary", "brochure", "is_published", "commitments_open"]}),
        (
            "Dates de l'élection",
            {
                "fields": ["first_round_on", "second_round_on"],
                "description": "La phase de la page (campagne, entre-deux-tours, mandat) suit ces dates.",
            },
        ),
        ("Texte", {"fields": ["introduction", "context"]}),
    ]

    @admin.display(description="phase")
    def phase_display(self, obj):
        return obj.phase.label


class ProposalInline(admin.StackedInline):
    model = Proposal
    fields = ["order", "title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    extra = 0
    show_change_link = True


@admin.register(Axis)
class AxisAdmin(FrenchHistoryAdmin):
    list_display = ["title", "campaign", "order"]
    list_filter = ["campaign"]
    list_select_related = ["campaign"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ProposalInline]


@admin.register(Proposal)
class ProposalAdmin(FrenchHistoryAdmin):
    list_display = ["title", "axis", "order", "example_count"]
    list_filter = ["axis__campaign", "axis"]
    list_select_related = ["axis", "axis__campaign"]
    search_fields = ["title", "text"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["example_organisations", "example_initiatives", "publications"]
    filter_horizontal = ["themes", "sectors"]
    fieldsets = [
        (None, {"fields": ["axis", "order", "title", "slug", "text"]}),
        ("Exemples", {"fields": ["example_organisations", "example_initiatives"]}),
        ("Pour aller plus loin", {"fields": ["publications"]}),
        ("Classement", {"fields": ["themes", "sectors"]}),
    ]

    @admin.display(description="exemples")
    def example_count(self, obj):
        return obj.example_organisations.count() + obj.example_initiatives.count()


class CommitmentUpdateInline(admin.StackedInline):
    model = CommitmentUpdate
    # New entries typed here are published at once; what teams propose is moderated in "Suivis d'engagement".
    fields = [("date", "proposal", "status"), "note", ("evidence_url", "evidence_label"), "evidence_file"]
    extra = 1
    verbose_name = "note de suivi (publique)"
    verbose_name_plural = "suivi pendant le mandat (public)"


class FollowUpFilter(admin.SimpleListFilter):
    title = "état d'avancement"
    parameter_name = "avancement"

    def lookups(self, request, model_admin):
        return Commitment.FollowUp.choices

    def queryset(self, request, queryset):
        # Measure by measure, as the public list's "avancement" filter (CommitmentFilterSet) does.
        return queryset.with_status(self.value()) if self.value() else queryset


class CommitmentChangeList(ChangeList):
    """The list of commitments with what their progress column reads, in a fixed number of queries."""

    def get_results(self, request):
        super().get_results(request)
        # The page's rows only: the actions get the plain queryset (the review export prefetches its own way).
        self.result_list = self.result_list.prefetch_related(
            "proposals", Prefetch("updates", queryset=CommitmentUpdate.objects.published().order_by())
        )


@admin.register(Commitment)
class CommitmentAdmin(
    moderation_actions(
        noun="engagement(s)",
        approve_label="Valider et publier les engagements sélectionnés (confirmés par courriel)",
        refuse_label="Refuser les engagements sélectionnés (ils ne seront pas publiés)",
        approved="validé(s) et publié(s)",
        skipped_reason="seuls les engagements confirmés par courriel peuvent être validés",
    ),
    admin.ModelAdmin,
):
    list_display = ["full_name", "role", "territory_display", "kind", "status", "follow_up_display", "created_at"]
    list_filter = ["status", FollowUpFilter, "kind", "campaign"]
    list_select_related = ["commune", "epci"]
    search_fields = ["full_name", "list_name", "email", "commune__name", "epci__name"]
    autocomplete_fields = ["commune", "epci"]
    filter_horizontal = ["proposals"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "confirmed_at", "validated_at", "validated_by", "anonymised_at", "public_link"]
    inlines = [CommitmentUpdateInline]
    actions = ["approve_selected", "refuse_selected", "anonymise_selected", "export_midterm_review"]
    fieldsets = [
        (None, {"fields": ["campaign", "status", "public_link"]}),
        ("Signataire", {"fields": ["full_name", "kind", "role", "list_name", "email"]}),
        ("Territoire", {"fields": ["commune", "epci"]}),
        ("Propositions", {"fields": ["proposals"]}),
        ("Historique", {"fields": ["created_at", "confirmed_at", "validated_at", "validated_by", "anonymised_at"]}),
    ]

    def get_changelist(self, request, **kwargs):
        return CommitmentChangeList

    @admin.display(description="territoire", ordering="commune__name")
    def territory_display(self, obj):
        return obj.territory_name

    @admin.display(description="avancement")
    def follow_up_display(self, obj):
        """What the public pages read: the measures declared done (each measure's latest published update)."""
        total = len(obj.measure_list)
        if not total:
            return "aucune mesure"
        return f"{obj.done_measure_count}/{total} mesure{'s' if total > 1 else ''} réalisée{'s' if total > 1 else ''}"

    def view_on_site(self, obj):
        # "Voir sur le site" only once the commitment has a public place on the list.
        return obj.get_absolute_url() if obj.is_public else None

    @admin.display(description="page publique")
    def public_link(self, obj):
        if obj.pk and obj.is_public:
            return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), "Voir sur le site")
        return "Pas encore publié"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "proposal":
            kwargs["queryset"] = Proposal.objects.select_related("axis").order_by("axis__order", "order")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        newly_validated = "status" in form.changed_data and obj.status == Commitment.Status.VALIDATED
        if newly_validated:
            obj.validated_by = request.user
            obj.validated_at = timezone.now()
        super().save_model(request, obj, form, change)
        if newly_validated:
            # Setting the status by hand is the same decision as the "valider" action: the same mail.
            self.notify_decision(request, obj, True, "")

    def save_formset(self, request, form, formset, change):
        """Staff updates are published at once; the team is told of each one newly published."""
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            deleted.delete()
        for update in instances:
            was_published = update.published_at is not None  # set by its first publication
            update.save()
            if update.review == CommitmentUpdate.Review.PUBLISHED and not was_published and form.instance.is_public:
                send_update_published_email(request, update)
        formset.save_m2m()

    def notify_decision(self, request, submission, accepted, message):
        """The moderation's one place to tell the signatory: validated, or refused (withdrawn when it was public).

        An address neither confirmed by its owner nor validated by staff gets no refusal: nothing but the
        confirmation link goes to an address that may not be the signatory's.
        """
        if accepted:
            send_validated_email(request, submission, message)
        elif submission.confirmed_at is not None or submission.validated_at is not None:
            send_refused_email(request, submission, message)

    @admin.action(description="Exporter le bilan de mi-mandat des engagements sélectionnés (CSV et page A4)")
    def export_midterm_review(self, request, queryset):
        """A ZIP: region.csv, a CSV per EPCI, bilan-mi-mandat.html; validated commitments of one campaign only."""
        campaigns = list(Campaign.objects.filter(pk__in=queryset.values("campaign")))
        if len(campaigns) != 1:
            self.message_user(request, "Choisissez les engagements d'une seule campagne.", messages.ERROR)
            return None
        review = build_review(campaigns[0], queryset)
        response = HttpResponse(review_zip(review, request.build_absolute_uri), content_type="application/zip")
        name = f"bilan-mi-mandat-{campaigns[0].slug}-{timezone.localdate():%Y-%m-%d}.zip"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @admin.action(description="Anonymiser les signataires sélectionnés (demande RGPD)")
    def anonymise_selected(self, request, queryset):
        count = 0
        with bumps_collected():
            for commitment in queryset.filter(anonymised_at__isnull=True):
                commitment.anonymise()
                count += 1
        self.message_user(request, f"{count} engagement(s) anonymisé(s).", messages.SUCCESS)


@admin.register(CommitmentUpdate)
class CommitmentUpdateAdmin(
    moderation_actions(
        noun="suivi(s)",
        approve_label="Publier les suivis proposés sélectionnés",
        refuse_label="Refuser les suivis proposés sélectionnés",
        approved="publié(s)",
        skipped_reason="seuls les suivis proposés par les équipes se modèrent",
    ),
    FrenchHistoryAdmin,
):
    """Every follow-up entry, with its history; the updates proposed by the teams are moderated here."""

    list_display = ["commitment", "proposal", "date", "status", "review", "has_evidence_display"]
    list_filter = ["review", "status"]
    list_select_related = ["commitment", "commitment__commune", "commitment__epci", "proposal"]
    search_fields = ["commitment__full_name", "note", "proposal__title"]
    autocomplete_fields = ["commitment"]
    readonly_fields = ["reviewed_by", "created_at", "published_at"]
    actions = ["approve_selected", "refuse_selected"]
    fields = [
        "commitment",
        "proposal",
        "date",
        "status",
        "note",
        ("evidence_url", "evidence_label"),
        "evidence_file",
        "review",
        "staff_message",
        "reviewed_by",
        "created_at",
        "published_at",
    ]

    @admin.display(description="preuve", boolean=True)
    def has_evidence_display(self, obj):
        return obj.has_evidence

    def notify_decision(self, request, submission, accepted, message):
        """The moderation's one place to tell the team what became of the update it proposed."""
        if accepted:
            send_update_published_email(request, submission, message)
        else:
            send_update_refused_email(request, submission, message)


@admin.register(AlertSubscription)
class AlertSubscriptionAdmin(admin.ModelAdmin):
    """Who follows what by email, with the consent's date; read only (people subscribe and leave themselves)."""

    list_display = ["email", "epci", "proposal", "consent_at", "confirmed_at", "last_sent_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["epci", "proposal"]
    search_fields = ["email"]
    readonly_fields = ["email", "epci", "proposal", "consent_at", "created_at", "confirmed_at", "last_sent_at"]
    exclude = ["key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
