from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared primitives every app stands on; holds no models."""

    name = "core"
    verbose_name = "Socle commun"
