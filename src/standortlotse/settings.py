"""Settings for Standortlotse, read from environment variables.

Development defaults are safe to run locally (SQLite file in the project folder, DEBUG on);
production differs only by environment (see docs/deployment in later issues): set
DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from standortlotse.core import logs, secret_key

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # Refused rather than generated: every app server must sign with the same key.
        raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0")
    # Development: a random key per installation, created on first start (not in the repository).
    SECRET_KEY = secret_key.load_or_create(
        Path(os.environ.get("STANDORTLOTSE_SECRET_KEY_FILE", PROJECT_DIR / "var" / "secret_key"))
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
# Who gets the error mails (core.logs.ErrorMailHandler): "Name <address>, address, …".
ADMINS = [
    (name, address)
    for name, address in getaddresses([os.environ.get("DJANGO_ADMINS", "")])
    if address
]

INSTALLED_APPS = [
    "standortlotse.accounts.apps.StaffAdminConfig",  # django.contrib.admin behind our login
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "ninja",
    "simple_history",
    "django_htmx",
    "csp",
    "standortlotse.core",
    "standortlotse.geo",
    "standortlotse.accounts",
    "standortlotse.properties",
    "standortlotse.places",
    "standortlotse.inquiries",
    "standortlotse.cases",
    "standortlotse.exchange",
    "standortlotse.guides",
    "standortlotse.search",
    "standortlotse.reach",
    "standortlotse.transparency",
    "standortlotse.profiles",
    "standortlotse.privacy",
    "standortlotse.portal",  # the site as a whole, above every domain app
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "standortlotse.core.headers.HeadersMiddleware",
    # /health/ and /health/ready/ for load balancers: before the host check and the sessions
    # (core/health.py); SECURE_REDIRECT_EXEMPT spares them the HTTPS redirect.
    "standortlotse.core.health.HealthMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "standortlotse.reach.middleware.ReachMiddleware",
    "standortlotse.core.middleware.FailureMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a lockout into accounts/lockout.locked_out
]

ROOT_URLCONF = "standortlotse.urls"
WSGI_APPLICATION = "standortlotse.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "standortlotse.core.context_processors.site",
                "standortlotse.geo.context_processors.region",
                "standortlotse.accounts.context_processors.staff_menu",
            ],
            "builtins": [
                "standortlotse.core.templatetags.core_tags",
                "standortlotse.core.templatetags.icons",
                "standortlotse.properties.templatetags.property_tags",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{PROJECT_DIR / 'standortlotse.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the single writer work side by side (live server tests, workers).
    # A page cache of 32 MiB instead of 2 MiB: the indexes a bulk import inserts into stay in
    # memory (40,000 properties inserted into a database of 110,000: 5.9-10.3 s with 2 MiB,
    # 3.8-5.7 s with 64 MiB); 32 MiB is reached by an import of 10,000 rows already, so the
    # memory of a large import stays as flat as that of a small one.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32768;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "properties:editor_list"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates as "1 Dec 2026", not Django's American ones (standortlotse/formats/en/formats.py).
FORMAT_MODULE_PATH = ["standortlotse.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", PROJECT_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", PROJECT_DIR / "media"))
# Files that must never be served (uploaded import files): outside MEDIA_ROOT.
PRIVATE_ROOT = Path(os.environ.get("STANDORTLOTSE_PRIVATE_ROOT", PROJECT_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Media on S3-compatible object storage (AWS S3, MinIO, Ceph, Hetzner, IONOS …) instead of
# MEDIA_ROOT: set the bucket. Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or
# an instance role). Files are public-read by URL, as on disk behind nginx; serve them from the
# agency's own domain (STANDORTLOTSE_S3_CUSTOM_DOMAIN or the endpoint), so that public pages make
# no third-party requests. Import files stay local (STANDORTLOTSE_PRIVATE_ROOT).
S3_BUCKET = os.environ.get("STANDORTLOTSE_S3_BUCKET", "")
if S3_BUCKET:
    STORAGES["default"] = {
        # S3Storage with per-object ContentType/ContentDisposition from core.uploads.media_headers
        "BACKEND": "standortlotse.core.storage.MediaS3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("STANDORTLOTSE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("STANDORTLOTSE_S3_REGION") or None,
            "custom_domain": os.environ.get("STANDORTLOTSE_S3_CUSTOM_DOMAIN") or None,
            "location": os.environ.get("STANDORTLOTSE_S3_PREFIX", "media"),
            "querystring_auth": False,  # stable, cacheable URLs; the objects are public media
            "file_overwrite": False,  # a second upload with the same name never replaces the first
            "object_parameters": {"CacheControl": "public, max-age=604800"},
        },
    }

# Uploads: photos and PDFs only, checked by content (core.validators, core.uploads); this caps the request.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_UPLOAD_BYTES = int(os.environ.get("STANDORTLOTSE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))

# Development prints mails to the console; production sends them by SMTP unless told otherwise
# (`check --deploy` warns about backends that do not deliver: core/checks.py).
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "standortlotse@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20

# Background work (emails, imports): django-tasks with its database backend; `manage.py
# db_worker` runs the queue. Tests use the immediate backend.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("STANDORTLOTSE_TASK_BACKEND", "django_tasks_db.DatabaseBackend")
    }
}
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
        if os.environ.get("REDIS_URL")
        # Without Redis a file cache, so that the web server, its workers and the background
        # worker share rate-limit counters and import progress on one machine.
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get(
                "STANDORTLOTSE_CACHE_DIR", str(PROJECT_DIR / "var" / "cache")
            ),
        }
    )
}
# Client address for rate limits and the login lockout (core/clientaddress.py): the number of
# reverse proxies in front of the app that append to X-Forwarded-For (nginx:
# $proxy_add_x_forwarded_for); the address the outermost of them appended is the client's.
# 0: REMOTE_ADDR only. STANDORTLOTSE_TRUST_PROXY=1 (older setting) means one proxy.
_hops = os.environ.get("STANDORTLOTSE_TRUSTED_PROXY_HOPS") or (
    "1" if env_bool("STANDORTLOTSE_TRUST_PROXY", False) else "0"
)
if not _hops.strip().isdigit():
    raise RuntimeError(
        f"STANDORTLOTSE_TRUSTED_PROXY_HOPS must be a whole number of proxies (0, 1, 2 …), not {_hops!r}"
    )
TRUSTED_PROXY_HOPS = int(_hops)
PLACE_SUBMISSIONS_PER_HOUR = int(os.environ.get("STANDORTLOTSE_PLACE_SUBMISSIONS_PER_HOUR", 5))
# Two-factor login (TOTP apps) is optional per user; set this to require it for the back office.
REQUIRE_TWO_FACTOR = env_bool("STANDORTLOTSE_REQUIRE_TWO_FACTOR", False)
OTP_TOTP_ISSUER = os.environ.get("STANDORTLOTSE_SITE_NAME", "Standortlotse")
# Login lockout (django-axes, accounts/lockout.py): failed passwords and codes per account and,
# separately, per client address (4 times as many); then 15 minutes locked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked account or address before the password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("STANDORTLOTSE_LOGIN_FAILURES_ALLOWED", 5))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not the combination
AXES_HANDLER = "standortlotse.accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "standortlotse.core.clientaddress.client_address"
AXES_LOCKOUT_CALLABLE = "standortlotse.accounts.lockout.locked_out"
AXES_RESET_ON_SUCCESS = False  # else logging in to one's own account would clear an address's count
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # locked 15 minutes, not longer while tried
AXES_DISABLE_ACCESS_LOG = True  # no record of successful logins with address and browser
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "csrfmiddlewaretoken"]
INQUIRIES_PER_HOUR = int(os.environ.get("STANDORTLOTSE_INQUIRIES_PER_HOUR", 10))
# The editor form's live location facts (the point moved, computed before saving): previews per
# user and client address per hour; beyond it the facts are computed on save as without scripts.
LOCATION_FACTS_PER_HOUR = int(os.environ.get("STANDORTLOTSE_LOCATION_FACTS_PER_HOUR", 600))
# Photos uploaded through the JSON API (POST /api/properties/{id}/photos) per user and client
# address per hour.
API_PHOTOS_PER_HOUR = int(os.environ.get("STANDORTLOTSE_API_PHOTOS_PER_HOUR", 120))
# Freshness of property data: a reminder to the editors after this many days without
# confirmation, flagged publicly as "not confirmed" after the same period again.
PROPERTY_REMINDER_DAYS = int(os.environ.get("STANDORTLOTSE_PROPERTY_REMINDER_DAYS", 182))
PROPERTY_FLAG_DAYS = int(os.environ.get("STANDORTLOTSE_PROPERTY_FLAG_DAYS", 182))
PLACE_LINK_VALID_DAYS = int(os.environ.get("STANDORTLOTSE_PLACE_LINK_VALID_DAYS", 180))
# "Send me a fresh link" (core/links.py): per client address per hour, per entered email per day.
FRESH_LINKS_PER_HOUR = int(os.environ.get("STANDORTLOTSE_FRESH_LINKS_PER_HOUR", 5))
FRESH_LINKS_PER_EMAIL_PER_DAY = int(
    os.environ.get("STANDORTLOTSE_FRESH_LINKS_PER_EMAIL_PER_DAY", 3)
)

# Geocoder for import rows with an address but no coordinates (core/geocoding.py): the base URL
# of a Nominatim-compatible search API (own Nominatim or a provider); empty: off. Nominatim's
# usage policy asks for a User-Agent that names the site and a contact. At most this many
# addresses per import are looked up; the rows beyond get the municipality centre.
GEOCODER_URL = os.environ.get("STANDORTLOTSE_GEOCODER_URL", "")
GEOCODER_USER_AGENT = os.environ.get(
    "STANDORTLOTSE_GEOCODER_USER_AGENT",
    f"Standortlotse ({os.environ.get('STANDORTLOTSE_SITE_URL', 'http://127.0.0.1:8000')}; "
    f"{os.environ.get('DJANGO_DEFAULT_FROM_EMAIL', 'standortlotse@localhost')})",
)
GEOCODER_REQUESTS_PER_IMPORT = int(
    os.environ.get("STANDORTLOTSE_GEOCODER_REQUESTS_PER_IMPORT", 500)
)

# Map: the background tiles come through our own origin (MAP_TILE_URL is a path on this site), so
# no request leaves the visitor's browser for a tile server and no consent step is needed. In
# production nginx answers that path from its proxy_cache in front of MAP_TILE_UPSTREAM
# (docs/deployment.md, deploy/nginx.py); without nginx (`make run`, tests) the tile view does the
# same with a disk cache (core/tiles.py). Placeholders of the upstream: {z}, {zz} (zoom with two
# digits, as basemap.de's WMTS wants it), {x}, {y}. An empty upstream: outlines and markers only.
MAP_TILE_URL = "/karte/kacheln/{z}/{x}/{y}.png"
MAP_TILE_UPSTREAM = os.environ.get(
    "STANDORTLOTSE_MAP_TILE_UPSTREAM",
    # The name of earlier releases, when the browser loaded the tiles itself after consent.
    os.environ.get(
        "STANDORTLOTSE_MAP_TILE_URL",
        "https://sgx.geodatenzentrum.de/wmts_basemapde/tile/1.0.0/de_basemapde_web_raster_farbe"
        "/default/GLOBAL_WEBMERCATOR/{zz}/{y}/{x}.png",
    ),
)
MAP_TILE_ATTRIBUTION = os.environ.get("STANDORTLOTSE_MAP_TILE_ATTRIBUTION", "© basemap.de / BKG")
MAP_TILE_MAX_ZOOM = int(os.environ.get("STANDORTLOTSE_MAP_TILE_MAX_ZOOM", 18))
# Tiles only for this area (west,south,east,north in degrees; default: Germany): the tile path
# is no open proxy for the whole world.
MAP_TILE_BOUNDS = tuple(
    float(part)
    for part in os.environ.get("STANDORTLOTSE_MAP_TILE_BOUNDS", "5.5,47.0,15.5,55.2").split(",")
)
MAP_TILE_CACHE_DIR = os.environ.get(
    "STANDORTLOTSE_MAP_TILE_CACHE_DIR", str(PROJECT_DIR / "var" / "tiles")
)
MAP_TILE_CACHE_DAYS = int(os.environ.get("STANDORTLOTSE_MAP_TILE_CACHE_DAYS", 30))
MAP_TILE_TIMEOUT = float(os.environ.get("STANDORTLOTSE_MAP_TILE_TIMEOUT", 5))
SITE_NAME = os.environ.get("STANDORTLOTSE_SITE_NAME", "Standortlotse Altmark")
SITE_URL = os.environ.get("STANDORTLOTSE_SITE_URL", "http://127.0.0.1:8000")
# The marketing region the site presents (its name, logo and brand colour: geo.Region).
SITE_REGION = os.environ.get("STANDORTLOTSE_REGION", "altmark")

# Content Security Policy: no inline scripts or styles, nothing from third parties (map tiles
# come through our own origin too).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        # The same as X-Frame-Options: DENY; widget views replace it with * (and drop XFO).
        "frame-ancestors": ["'none'"],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# The widgets for other sites (places and properties) opt out per view; everything else must not be framed.
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Anonymous visitors get the CSRF cookie only on pages with a form to post (Django sets it when
# the page uses the token); no script reads it, and it ends with the browser session.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_AGE = None
SECURE_REDIRECT_EXEMPT = [r"^health/(ready/)?$"]  # load balancers ask over plain HTTP
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Off only for `make run` (production mode over plain HTTP on 127.0.0.1); check --deploy warns.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)

# One JSON object per line in production (plain text while developing); personal data and
# private-link secrets are filtered out of every record (core/logs.py).
LOGGING = logs.config(
    os.environ.get("DJANGO_LOG_FORMAT", "plain" if DEBUG else "json"),
    os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
)

NINJA_PAGINATION_PER_PAGE = 50
# In production media is served by nginx or object storage; the app serves it only when asked.
SERVE_MEDIA = env_bool("STANDORTLOTSE_SERVE_MEDIA", DEBUG)
