"""System checks of the directory's settings."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def deprecated_geocoder_settings(app_configs, **kwargs):
    """The BAN_* names of the previous release still work for one release; say which to rename."""
    return [
        Warning(
            f"{name} is deprecated and will stop being read in the next release.",
            hint=f"Rename it GEOCODER_{name.removeprefix('BAN_')} (the geocoder moved to the IGN's Géoplateforme).",
            id="directory.W001",
        )
        for name in getattr(settings, "GEOCODER_DEPRECATED_SETTINGS", [])
    ]
