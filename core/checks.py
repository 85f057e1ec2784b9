"""System checks of the core: production must share its cache between processes (docs/deployment.md)."""

from django.conf import settings
from django.core import checks

# Caches that live inside one process: rate limits would count per worker, cached pages per worker.
PER_PROCESS_BACKENDS = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_in_production(app_configs=None, **kwargs):
    if settings.DEBUG or getattr(settings, "TESTING", False):
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_BACKENDS:
        return [
            checks.Error(
                f"The default cache ({backend}) lives in each process: with several workers, rate limits "
                "and lock-outs count per worker.",
                hint="Leave CACHES to the settings (database cache, or Redis with REDIS_URL); see docs/deployment.md.",
                id="core.E001",
            )
        ]
    return []
