from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    name = "publications"
    verbose_name = "Publications"

    def ready(self):
        # Saves, deletes and M2M changes of this app's models give its public data a new version.
        from core.data import follow_changes

        follow_changes("publications", self, private=["DownloadCount"])
