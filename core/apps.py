from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared primitives every app stands on, and the data versions (core/data.py)."""

    name = "core"
    verbose_name = "Socle commun"

    def ready(self):
        # Registers the system checks.
        from core import checks  # noqa: F401
