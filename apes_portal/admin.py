"""The admin site of the portal and the admin of site-wide content."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from apes_portal import accounts
from apes_portal.models import KeyFigure
from directory.models import OrganisationMembership


@admin.register(KeyFigure)
class KeyFigureAdmin(admin.ModelAdmin):
    list_display = ["label", "value", "as_of", "source", "order"]
    list_editable = ["value", "as_of", "order"]


class OrganisationMembershipInline(admin.TabularInline):
    """Attach a member account to its organisation(s) from the account's page."""

    model = OrganisationMembership
    extra = 0
    autocomplete_fields = ["organisation"]
    verbose_name = "organisation rattachée"
    verbose_name_plural = "organisations rattachées (espace membre)"


admin.site.unregister(User)


@admin.register(User)
class MemberUserAdmin(UserAdmin):
    """Django's user admin, with the organisations an account works on and the invitation by mail.

    Staff create a member account without a password ("authentification par mot de passe : désactivée"),
    attach it to its organisation, then invite it: the member chooses a password from the mailed link.
    """

    inlines = [OrganisationMembershipInline]
    actions = ["invite_selected"]

    @admin.action(description="Inviter par courriel à choisir un mot de passe", permissions=["change"])
    def invite_selected(self, request, queryset):
        sent, skipped = 0, 0
        for user in queryset.prefetch_related("organisation_memberships__organisation"):
            memberships = list(user.organisation_memberships.all())
            if accounts.invite(request, user, memberships[0].organisation if memberships else None):
                sent += 1
            else:
                skipped += 1
        self.message_user(request, f"{sent} invitation(s) envoyée(s).", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} compte(s) sans adresse ou désactivé(s) : rien envoyé.",
                messages.WARNING,
            )
