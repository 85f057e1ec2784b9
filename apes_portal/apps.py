"""App configs of the project package: site-wide pages and the admin site."""

from importlib import import_module

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig, apps
from django.contrib.admin.apps import SimpleAdminConfig
from django.utils.module_loading import module_has_submodule
from django_otp.plugins.otp_static.apps import DefaultConfig as OTPStaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTotpConfig

# django-leaflet's admin module imports GeoDjango, which needs GDAL (absent here and in
# production): autodiscovering it crashes `manage.py check` (django-leaflet #299, #336).
SKIP_ADMIN_AUTODISCOVER = {"leaflet"}


class ApesAdminConfig(SimpleAdminConfig):
    """The admin, with our own site and an autodiscovery that skips GeoDjango-only modules."""

    default_site = "apes_portal.admin_site.ApesAdminSite"

    def ready(self):
        super().ready()
        for app_config in apps.get_app_configs():
            if app_config.label in SKIP_ADMIN_AUTODISCOVER:
                continue
            if module_has_submodule(app_config.module, "admin"):
                import_module(f"{app_config.name}.admin")


class ApesPortalConfig(AppConfig):
    # Several AppConfig subclasses live in this module: say which one "apes_portal" means.
    default = True
    name = "apes_portal"
    verbose_name = "Site de l'Apes"

    def ready(self):
        from django.db.models.signals import post_migrate

        from apes_portal.roles import sync_roles_after_migrate
        from core.data import follow_changes

        # Models added by any app after the roles migration get their permissions in the groups too.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="apes_portal_sync_roles")
        follow_changes("site", self)


class LockoutsConfig(AxesAppConfig):
    """django-axes, named in French so the admin index does not show "AXES" beside the campaign's "Axes"."""

    default = False
    verbose_name = "Verrouillages de connexion"


class AuthenticatorsConfig(OTPTotpConfig):
    """django-otp's TOTP devices (administrators' phones), named in French on the admin index."""

    default = False
    verbose_name = "Double authentification : applications"


class RecoveryCodesConfig(OTPStaticConfig):
    """django-otp's static devices: the recovery codes given at enrolment."""

    default = False
    verbose_name = "Double authentification : codes de secours"
