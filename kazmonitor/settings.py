"""KazMonitor settings: the one settings module, configured by environment variables.

Development defaults are safe and need nothing set; production sets ``DEBUG=0``,
``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL``. Bad values stop start-up.
"""

import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.csp import CSP

from kazmonitor.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

# Commands that only read the code, never a request, a session or a signed value: they
# run without a SECRET_KEY (a throw-away one), so `manage.py makemigrations --check`
# works in a bare checkout, as linters and CI run it.
CODE_ONLY_COMMANDS = {"makemigrations"}

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and not set(sys.argv[1:2]) & CODE_ONLY_COMMANDS:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or run with DEBUG=1 for a throw-away development key."
        )
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Public base URL used for absolute links in feeds, sitemaps and the API when there
# is no request at hand (management commands, exports).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # The admin, with two-factor authentication required for staff (kazmonitor/admin_site.py).
    "kazmonitor.apps.KazMonitorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "nested_admin",
    "simple_history",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "kazmonitor",
    "people",
    "cases",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kazmonitor.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # The admin in the editor's language (cookie, else Accept-Language); kazmonitor/admin_language.py.
    "kazmonitor.admin_language.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Public pages for readers without a session, from the cache (kazmonitor/page_cache.py).
    "kazmonitor.page_cache.PublicPageCacheMiddleware",
    # Last, as django-axes requires: turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kazmonitor.urls"
WSGI_APPLICATION = "kazmonitor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
# DATABASE_URL, e.g. postgres://user:pass@host:5432/kazmonitor; default: SQLite file.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the public site read while staff write; a busy timeout instead of
    # "database is locked" errors under concurrent writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------
# Shared by all gunicorn workers (API rate limits must hold across processes):
# Redis when REDIS_URL is set, else a database table (created by `createcachetable`).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kazmonitor_cache",
        }
    }

# --- Auth -------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Messages live in the session, not in a signed-but-readable cookie: a new API key is
# shown once in a message and must never travel in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Lock-out after repeated failed logins, per account and, separately, per address
# (django-axes, attempts kept in the database so every worker sees them).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "kazmonitor.security.client_ip"
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none,
# REMOTE_ADDR is the client). Behind one nginx, set 1.
PROXY_COUNT = env_int("PROXY_COUNT", 0)

# Two-factor authentication (TOTP) for every staff account in the admin.
OTP_TOTP_ISSUER = "KazMonitor"
# Nobody, not even a superuser, reads another account's TOTP secret in the admin: a lost
# phone is handled by deleting the device, and the next login enrols a new one.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Internationalisation --------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("kk", "Қазақша")]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_upstream"]
FORMAT_MODULE_PATH = ["kazmonitor.formats"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Almaty")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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
# Uploaded source documents: outside the static root, never served by whitenoise.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Security headers ------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sent by kazmonitor.security.SecurityHeadersMiddleware on every response.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), browsing-topics=()"
)
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- REST API ---------------------------------------------------------------------
REST_FRAMEWORK = {
    # Read-only for everyone; what a reader sees is decided by visible_to(level).
    "DEFAULT_PERMISSION_CLASSES": ["kazmonitor.api.permissions.ReadOnlyApi"],
    # "Authorization: Api-Key <key>"; without it the reader is anonymous (public).
    "DEFAULT_AUTHENTICATION_CLASSES": ["people.auth.ApiKeyAuthentication"],
    "DEFAULT_THROTTLE_CLASSES": ["kazmonitor.api.throttles.ApiRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "kazmonitor.api.pagination.KeysetPagination",
    "DEFAULT_RENDERER_CLASSES": ["kazmonitor.api.renderers.FastJSONRenderer", "kazmonitor.api.csv.CSVRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "kazmonitor.api.pagination.KeysetOrdering",
    ],
    "EXCEPTION_HANDLER": "kazmonitor.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "PAGE_SIZE": 50,
}
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 500
# Requests per minute: anonymous clients (per address), and API keys without their
# own limit, by level. Counted in the shared cache (Redis or the database table).
API_RATE_LIMITS = {
    "anonymous": env_int("API_RATE_ANONYMOUS", 60),
    "public": env_int("API_RATE_PUBLIC", 600),
    "partners": env_int("API_RATE_PARTNERS", 1200),
}
# How long a built API response is kept in the cache (seconds; 0: never). Every change
# to the records makes all kept responses stale at once (kazmonitor/api/cache.py).
API_CACHE_SECONDS = env_int("API_CACHE_SECONDS", 300)
# The same for public pages read without a session (kazmonitor/page_cache.py), the
# named URLs of PUBLIC_URLCONF (the public site mounted in kazmonitor/urls.py).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
# Searches (the search page, any q=) kept that long (seconds; default 0: never). A kept
# answer is fast, so its timing tells whoever repeats a search that someone searched the
# same text within that time (per API key; anonymous readers share one scope). Opt in
# only where that is acceptable (README, "Configuration"; kazmonitor/api/cache.py).
SEARCH_CACHE_SECONDS = env_int("SEARCH_CACHE_SECONDS", 0)
# PostgreSQL: the search page's queries prepared and planned once per connection
# (kazmonitor/prepared.py). 0 behind PgBouncer older than 1.21 or without
# max_prepared_statements (transaction pooling).
SEARCH_PREPARED_PLANS = env_bool("SEARCH_PREPARED_PLANS", True)
PUBLIC_URLCONF = "cases.urls"
# Key for the API ids of identity-protected persons (default: SECRET_KEY). Keep it
# stable: changing it changes those ids for partners' mirrors.
API_PSEUDONYM_SECRET = env_str("API_PSEUDONYM_SECRET")
SPECTACULAR_SETTINGS = {
    "TITLE": "KazMonitor API",
    "DESCRIPTION": (
        "Read-only access to the published record of politically motivated cases. "
        "Send `Authorization: Api-Key <key>` to read at your key's level; without a key you read public records. "
        "Lists use cursor pagination (follow `next`), accept `?format=csv`, and `updated_since`; "
        "`/api/v1/deleted/` lists what to drop from a mirror."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "kazmonitor.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CertaintyEnum": "kazmonitor.models.Certainty",
        "CaseKindEnum": "cases.models.Case.Kind",
        "CaseStatusEnum": "cases.models.Case.Status",
        "ChargeStatusEnum": "cases.models.Charge.Status",
        "SentenceKindEnum": "cases.models.Sentence.Kind",
        "DetentionKindEnum": "cases.models.Detention.Kind",
        "EventKindEnum": "cases.models.Event.Kind",
        "FacilityKindEnum": "cases.models.Facility.Kind",
        "OrganizationKindEnum": "people.models.Organization.Kind",
        "LocationKindEnum": "kazmonitor.models.Location.Kind",
        "SourceKindEnum": "kazmonitor.models.Source.Kind",
    },
}

# --- Logging ----------------------------------------------------------------------
# Confidential values (passwords, tokens, API keys, internal notes, contacts …) are
# masked in every log line and never shown in error reports (kazmonitor/security.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "kazmonitor.security.ConfidentialExceptionReporterFilter"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "kazmonitor.security.RedactConfidentialFilter"}},
    "formatters": {"redacted": {"()": "kazmonitor.security.RedactingFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"], "formatter": "redacted"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
