from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = "Municipales 2026"

    def ready(self):
        # Saves, deletes and M2M changes of this app's models give its public data a new version.
        from core.data import follow_changes

        follow_changes("proposals", self, private=["AlertSubscription"])
