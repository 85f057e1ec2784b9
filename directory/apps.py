from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Annuaire"

    def ready(self):
        # Saves, deletes and M2M changes of this app's models give its public data a new version.
        from core.data import follow_changes
        from directory import checks  # noqa: F401 -- registers the system checks

        follow_changes(
            "directory",
            self,
            private=[
                "MembershipApplication",
                "CorrectionRequest",
                "ProposedChange",
                "CheckFinding",
                "OrganisationMembership",
            ],
        )
