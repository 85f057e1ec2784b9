from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "territories"
    verbose_name = "Territoires"

    def ready(self):
        # Saves, deletes and M2M changes of this app's models give its public data a new version.
        from core.data import follow_changes

        follow_changes("territories", self)
