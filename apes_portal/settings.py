"""Settings for the Apes Hauts-de-France portal, read from the environment (12-factor).

Every variable is documented in README.md and `.env.example`. Malformed values raise
`ImproperlyConfigured` at start-up rather than being silently misread.
"""

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name, default=False):
    """Read a boolean; anything but a well-known spelling is a configuration error."""
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false/1/0), got {value!r}.")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}.") from None


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
TESTING = env_bool("TESTING", default=False)

# Management commands other than runserver (migrate, makemigrations, createsuperuser…) serve no
# request and sign nothing that must outlive them, so they may run without a key; anything that
# serves the site (gunicorn through wsgi.py, runserver) refuses to start without one.
RUNNING_OFFLINE_COMMAND = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] not in ([], ["runserver"])

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production"
    elif RUNNING_OFFLINE_COMMAND:
        SECRET_KEY = secrets.token_urlsafe(50)  # thrown away with the process
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "apes_portal.apps.ApesAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "leaflet",
    "simple_history",
    "import_export",
    "apes_portal.apps.LockoutsConfig",  # django-axes, with a French name in the admin
    "csp",
    "mailer",
    # Second factor for administrators (apes_portal/accounts.py): TOTP apps and recovery codes.
    "django_otp",
    "apes_portal.apps.AuthenticatorsConfig",  # django_otp.plugins.otp_totp, named in French
    "apes_portal.apps.RecoveryCodesConfig",  # django_otp.plugins.otp_static
    "core",
    "apes_portal",
    "territories",
    "directory",
    "publications",
    "proposals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Security & resilience: Permissions-Policy header, French 503 when the DB is away,
    # 400 for input no page can use (NUL bytes, out-of-range numbers).
    "apes_portal.middleware.PermissionsPolicyMiddleware",
    "apes_portal.middleware.DatabaseUnavailableMiddleware",
    "apes_portal.middleware.MalformedInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second factor was given
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]
# HTML and JSON compressed by Django when no proxy does it (the README's single server): GZipMiddleware pads each
# response with random bytes against BREACH (Django 4.2+). Placed below whitenoise, which serves static files
# already compressed, and above everything that writes the body. GZIP_RESPONSES=false behind a compressing proxy.
GZIP_RESPONSES = env_bool("GZIP_RESPONSES", default=True)
if GZIP_RESPONSES:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1, "django.middleware.gzip.GZipMiddleware"
    )

ROOT_URLCONF = "apes_portal.urls"
WSGI_APPLICATION = "apes_portal.wsgi.application"
ASGI_APPLICATION = "apes_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apes_portal.context_processors.site",
            ],
        },
    },
]

# Database: one URL. Default is a SQLite file so a newcomer needs no server.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast instead of hanging when the server is unreachable.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 3))
    # Security & resilience: no statement may hold a worker (and a connection) for long.
    # Long work belongs to management commands; run them with DB_STATEMENT_TIMEOUT_MS=0 if needed.
    # (Behind PgBouncer in transaction mode, startup "options" are refused: set the timeout on the role.)
    _statement_timeout_ms = env_int("DB_STATEMENT_TIMEOUT_MS", 30_000)
    if _statement_timeout_ms > 0:
        DATABASES["default"]["OPTIONS"].setdefault("options", f"-c statement_timeout={_statement_timeout_ms}")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: what every process of the site shares (rate limits, cached pages and payloads). Correctness never
# depends on it: data versions live in the database (core/data.py). See docs/deployment.md, "Shared state".
# - REDIS_URL set: Redis, shared by every app server (the fast, multi-server option). A Redis outage is
#   absorbed by core.cache.FailSoftRedisCache: pages are served uncached, /healthz says "degraded".
# - production without REDIS_URL: the database cache (table apes_cache, created by `migrate`), shared by
#   every worker and every server on the same database.
# - runserver (DEBUG) and tests: local memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "apes",
            # Fail fast when Redis is away: a page served uncached beats a page that hangs.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
elif DEBUG or TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "apes_cache",
            "KEY_PREFIX": "apes",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
# How long one process may keep its copy of the data versions, in seconds: the longest a change can stay
# unseen by a worker. Tests keep it until the process itself bumps (None): one process, deterministic counts.
# Every setup: a per-process tier in front of the shared one, for entries keyed by a data version only
# (core.data.cached): a local copy of such an entry can never be stale.
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "versioned"}
_data_version_max_age = os.environ.get("DATA_VERSION_MAX_AGE", "" if TESTING else "0.5")
DATA_VERSION_MAX_AGE = float(_data_version_max_age) if _data_version_max_age else None

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # The username or the account's email address (apes_portal/accounts.py).
    "apes_portal.accounts.EmailOrUsernameBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Second factor (django-otp): always for superusers; for editors too when this is on.
OTP_REQUIRED_FOR_EDITORS = env_bool("OTP_REQUIRED_FOR_EDITORS", default=False)
OTP_TOTP_ISSUER = "Apes Hauts-de-France"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the devices' admin never shows another person's secret key or QR code
# Members sign in on the public member page; staff use the admin login.
LOGIN_URL = "directory:member-login"
if TESTING:
    # Fast hashing in tests only; production keeps Django's PBKDF2 default.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Internationalisation: the interface is French.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# Static files: hashed and compressed by whitenoise when DEBUG is off.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": os.environ.get("MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "apes_portal.storage.HashedModulesStaticFilesStorage"
        )
    },
}

# Map: tiles come from settings; the site stays usable without them.
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = os.environ.get(
    "MAP_TILES_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">contributeurs OpenStreetMap</a>',
)
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (50.0, 2.8),
    "DEFAULT_ZOOM": 8,
    "MIN_ZOOM": 6,
    "MAX_ZOOM": 18,
    "TILES": [("OpenStreetMap", MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION})],
    "ATTRIBUTION_PREFIX": "Leaflet",
    "RESET_VIEW": False,
    # Without this, marker icons 404 under hashed static files (django-leaflet #342, #357).
    "FORCE_IMAGE_PATH": STATIC_URL + "leaflet/images/",
}

# Email: every message is queued in the database (django-mailer) and delivered by `manage.py send_mail`
# (cron/systemd timer, docs/operations.md); the queue hands it to SMTP when EMAIL_HOST is set, to the
# console otherwise.
EMAIL_BACKEND = "mailer.backend.DbBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    MAILER_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
else:
    MAILER_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Apes Hauts-de-France <ne-pas-repondre@apes-hdf.org>")
STAFF_NOTIFICATION_EMAILS = env_list("STAFF_NOTIFICATION_EMAILS", "contact@apes-hdf.org")

# Admin lives at a configurable path (harder to find for bots).
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

# Security headers. Cookies are secure unless DEBUG (local http) is on.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", default=not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
# Only staff log in (the public site creates no session): their session also ends with the browser.
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG and not TESTING)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preload is only a declaration (listing is a manual request at hstspreload.org); with one year
# and subdomains it is what `check --deploy` expects (security.W021). Opt out explicitly if a
# subdomain of the production domain must stay on plain HTTP.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS >= 31536000)
# Load-balancer probes often speak plain HTTP: /healthz answers them without a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("BEHIND_TLS_PROXY", default=False):
    # Only when a trusted proxy strips and sets X-Forwarded-Proto itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def csp_source_for_tiles(url):
    """The CSP source matching a Leaflet tile URL template: scheme://host, `{s}` as a wildcard.

    >>> csp_source_for_tiles("https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png")
    'https://*.tile.openstreetmap.fr'
    """
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if not scheme or not host:
        raise ImproperlyConfigured(f"MAP_TILES_URL must be an absolute URL, got {url!r}.")
    # {s} (and any other placeholder in the host) is a subdomain letter: one CSP wildcard label.
    labels = ["*" if "{" in label else label for label in host.split(".")]
    return f"{scheme}://{'.'.join(labels)}"


# img-src follows MAP_TILES_URL so a new tile server needs no CSP edit; CSP_IMG_SRC adds others.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", csp_source_for_tiles(MAP_TILES_URL), *env_list("CSP_IMG_SRC")],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# django-axes: lock an account/IP pair after repeated admin login failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_VERBOSE = False  # no start-up banner on every manage.py command
# Security & resilience: a French lockout page; the client address comes from one place.
AXES_LOCKOUT_TEMPLATE = "lockout.html"

# Client address for rate limits and lockouts. By default REMOTE_ADDR (a client can forge
# X-Forwarded-For). Behind N trusted reverse proxies that append to X-Forwarded-For, set
# TRUSTED_PROXY_COUNT=N: the address N hops from the right is then the one a proxy saw.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
RATELIMIT_IP_META_KEY = "core.client_ip.client_ip"

# Permissions-Policy (sent by apes_portal.middleware): no powerful feature is used, except
# geolocation on our own pages (a "near me" button on the map may ask for it).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": ["self"],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "browsing-topics": [],
}
# Seconds a client is asked to wait (Retry-After) when the database is unreachable.
DATABASE_UNAVAILABLE_RETRY_AFTER = env_int("DATABASE_UNAVAILABLE_RETRY_AFTER", 30)

# Uploads.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
PUBLICATION_MAX_UPLOAD_MB = env_int("PUBLICATION_MAX_UPLOAD_MB", 50)
IMAGE_MAX_UPLOAD_MB = env_int("IMAGE_MAX_UPLOAD_MB", 5)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# django-ratelimit's E003 refuses every cache but memcached/Redis. Without REDIS_URL production uses the
# database cache, which IS shared by all workers and servers (its counters are not atomic: two racing POSTs
# may count once, the limit still holds within one request). core.checks refuses per-process caches instead.
# A cache outage lets forms through (fail open) rather than refusing every visitor: the honeypot and
# moderation still stand, and no submission is lost.
RATELIMIT_VIEW = None
RATELIMIT_FAIL_OPEN = True
# W001: core.cache.FailSoftRedisCache is Django's RedisCache under another name, unknown to the check.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# --- proposals (Municipales 2026): commitments of elected officials ---------------------------
# How long the emailed confirmation link stays valid, in seconds (default: 7 days).
COMMITMENT_CONFIRMATION_MAX_AGE = env_int("COMMITMENT_CONFIRMATION_MAX_AGE", 7 * 24 * 3600)
# Submissions of the commitment form per client IP (django-ratelimit rate syntax).
COMMITMENT_RATE = os.environ.get("COMMITMENT_RATE", "5/h")
# Links sent to an elected team to propose a follow-up update of its commitment (proposals).
COMMITMENT_UPDATE_LINK_MAX_AGE = env_int("COMMITMENT_UPDATE_LINK_MAX_AGE", 30 * 24 * 3600)

# --- bench: the benchmark's "stack ceiling" -------------------------------------------------------
# Only bench/run.py turns this on (on its own gunicorn): it adds /_bench/trivial/, a view doing no
# work, so real pages' throughput can be reported as a ratio of the stack's own. Off everywhere else.
BENCH_TRIVIAL_VIEW = env_bool("BENCH_TRIVIAL_VIEW", default=False)


# --- Staff admin: geocoding and imports (directory/geocoding.py, directory/resources.py) ---
# The IGN's Géoplateforme geocoder (the BAN's address API moved there): same parameters, 50 requests/s
# per IP, and `<GEOCODER_API_URL>/csv` geocodes a CSV file in one request. The BAN_* names of the
# previous release are still read, with a deprecation warning (directory/checks.py), until the next one.
GEOCODER_DEPRECATED_SETTINGS = []


def _geocoder_env(name, default, cast=str):
    value = os.environ.get(f"GEOCODER_{name}")
    if value is None and os.environ.get(f"BAN_{name}") is not None:
        value = os.environ[f"BAN_{name}"]
        GEOCODER_DEPRECATED_SETTINGS.append(f"BAN_{name}")
    if value is None or value.strip() == "":
        return default
    try:
        return cast(value)
    except ValueError:
        raise ImproperlyConfigured(f"GEOCODER_{name} must be a {cast.__name__}, got {value!r}.") from None


GEOCODER_API_URL = _geocoder_env("API_URL", "https://data.geopf.fr/geocodage/search")
GEOCODER_MAX_REQUESTS_PER_SECOND = _geocoder_env("MAX_REQUESTS_PER_SECOND", 50, int)
GEOCODER_TIMEOUT_SECONDS = _geocoder_env("TIMEOUT_SECONDS", 3, int)
GEOCODER_MIN_SCORE = 0.5  # below this the best match is too uncertain to move a point
GEOCODER_REVIEW_SCORE = 0.7  # a point placed below this is flagged for staff review
# Rows per request to the CSV endpoint; larger selections are sent in several files.
GEOCODER_CSV_MAX_ROWS = _geocoder_env("CSV_MAX_ROWS", 5000, int)
GEOCODER_CSV_TIMEOUT_SECONDS = _geocoder_env("CSV_TIMEOUT_SECONDS", 60, int)
# A confirmed import geocodes its rows that have an address but only the commune's point (one batch).
# Off under TESTING: tests turn it on against their local stub, never the real service.
GEOCODER_GEOCODE_IMPORTS = env_bool("GEOCODER_GEOCODE_IMPORTS", default=not TESTING)
# SIRENE checks (manage.py check_sirene, directory/sirene.py): the public API Recherche d'entreprises
# allows 7 requests per second.
SIRENE_API_URL = os.environ.get("SIRENE_API_URL", "https://recherche-entreprises.api.gouv.fr/search")
SIRENE_MAX_REQUESTS_PER_SECOND = env_int("SIRENE_MAX_REQUESTS_PER_SECOND", 7)
SIRENE_TIMEOUT_SECONDS = env_int("SIRENE_TIMEOUT_SECONDS", 5)
SIRENE_RETRIES = env_int("SIRENE_RETRIES", 3)
# Imports run inside a transaction, so a dry run writes nothing and a failing file changes nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
