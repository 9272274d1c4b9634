"""Luoshi settings: one module, driven by environment variables.

LUOSHI_SECRET_KEY, LUOSHI_DEBUG, LUOSHI_ALLOWED_HOSTS, DATABASE_URL, LUOSHI_DATA_DIR,
LUOSHI_JOBS (``sqlite`` | ``redis`` | ``immediate``), REDIS_URL, LUOSHI_PII_KEY (64 hex digits),
LUOSHI_AUDIT_KEY (64 hex digits), LUOSHI_AUDIT_OLD_KEYS (retired audit keys, comma separated).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("LUOSHI_DATA_DIR", BASE_DIR / "var"))
DEBUG = env_bool("LUOSHI_DEBUG", False)


def key_setting(variable: str, file_name: str, make: Callable[[], str]) -> str:
    """A key from the environment, else from its file in DATA_DIR, made there (mode 0600) the first time."""
    value = os.environ.get(variable, "")
    if value:
        return value
    key_file = DATA_DIR / file_name
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        try:  # created readable by its owner only, and by one process only
            with os.fdopen(os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
                out.write(make())
        except FileExistsError:
            pass
    return key_file.read_text().strip()


def _random_hex() -> str:
    return os.urandom(32).hex()


SECRET_KEY = key_setting("LUOSHI_SECRET_KEY", "secret_key", get_random_secret_key)
LUOSHI_PII_KEY = key_setting("LUOSHI_PII_KEY", "pii_key", _random_hex)
# docs/audit.md: keys the audit chain, never in the database.
LUOSHI_AUDIT_KEY = key_setting("LUOSHI_AUDIT_KEY", "audit_key", _random_hex)
LUOSHI_AUDIT_OLD_KEYS = [k for k in os.environ.get("LUOSHI_AUDIT_OLD_KEYS", "").replace(",", " ").split() if k]

ALLOWED_HOSTS = [h for h in os.environ.get("LUOSHI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("LUOSHI_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.forms",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "huey.contrib.djhuey",
    "luoshi.core",
    "luoshi.accounts",
    "luoshi.notices",
    "luoshi.access",
    "luoshi.audit",
    "luoshi.jobs",
    "luoshi.orgs",
    "luoshi.campaigns",
    "luoshi.visits",
    "luoshi.members",
    "luoshi.tracking",
    "luoshi.urging",
    "luoshi.problems",
    "luoshi.tasks",
    "luoshi.demands",
    "luoshi.livelihood",
    "luoshi.collection",
    "luoshi.supervision",
    "luoshi.research",
    "luoshi.study",
    "luoshi.lectures",
    "luoshi.suggestions",
    "luoshi.fourlists",
    "luoshi.reports",
    "luoshi.reminders",
    "luoshi.rankings",
    "luoshi.analysis",
    "luoshi.home",
    "luoshi.demo",
    "luoshi.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "luoshi.core.middleware.RequestContextMiddleware",
    "luoshi.core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "luoshi.core.middleware.LoginRequiredMiddleware",
    "luoshi.accounts.middleware.TwoFactorRequiredMiddleware",
    "luoshi.accounts.middleware.PasswordChangeRequiredMiddleware",
    "luoshi.jobs.middleware.QueueUnavailableMiddleware",
]

ROOT_URLCONF = "luoshi.urls"
# Form widgets render through luoshi/templates/django/forms/widgets/: a widget without a class gets Bootstrap's.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "luoshi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "luoshi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "luoshi.access.context_processors.navigation",
                "luoshi.notices.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'luoshi.sqlite3'}"),
        conn_max_age=int(os.environ.get("LUOSHI_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000;"
        ),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The visit calendar's covering indexes (INCLUDE) serve PostgreSQL; SQLite keeps them as plain indexes.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["luoshi.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "luoshi.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "luoshi" / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "luoshi.core.finders.VendorFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
LUOSHI_MAX_UPLOAD_BYTES = int(os.environ.get("LUOSHI_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
LUOSHI_DEMAND_IMPORT_MAX_BYTES = int(os.environ.get("LUOSHI_DEMAND_IMPORT_MAX_BYTES", str(200 * 1000 * 1000)))
LUOSHI_EXPORT_INLINE_ROWS = int(os.environ.get("LUOSHI_EXPORT_INLINE_ROWS", "5000"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SECURE = env_bool("LUOSHI_SECURE_COOKIES", not DEBUG and env_bool("LUOSHI_HTTPS", False))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("LUOSHI_HTTPS", False)
SECURE_HSTS_SECONDS = 31536000 if SECURE_SSL_REDIRECT else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL_REDIRECT
SECURE_HSTS_PRELOAD = SECURE_SSL_REDIRECT
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("LUOSHI_BEHIND_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts only from our own static files, never inline or eval'd.
# Inline style attributes stay allowed (progress bars); ECharts and Bootstrap set styles through the DOM.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "luoshi.accounts.api_auth.TokenAuthentication",
        "luoshi.accounts.api_auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "luoshi.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Luoshi API",
    "DESCRIPTION": _("落实 — 检视整改闭环平台 API"),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ProblemStateEnum": "luoshi.problems.choices.State",
        "ProblemKindEnum": "luoshi.problems.choices.Kind",
        "MeasureStateEnum": "luoshi.problems.choices.MeasureState",
        "RequestStateEnum": "luoshi.problems.choices.RequestState",
        "EventKindEnum": "luoshi.problems.choices.EventKind",
        "TaskAssignmentStateEnum": "luoshi.tasks.choices.State",
        "LivelihoodProjectStateEnum": "luoshi.livelihood.choices.ProjectState",
        "LivelihoodTaskStateEnum": "luoshi.livelihood.choices.TaskState",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "luoshi.core.api.document_errors"],
}

# The cache (shared by every worker process through its files); rate limits count in luoshi/core/counters.py.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
    }
}
LUOSHI_LOGIN_ADDRESS_MAX_FAILURES = int(os.environ.get("LUOSHI_LOGIN_ADDRESS_MAX_FAILURES", "20"))
LUOSHI_LOGIN_ADDRESS_WINDOW_MINUTES = int(os.environ.get("LUOSHI_LOGIN_ADDRESS_WINDOW_MINUTES", "15"))
# Atomic counters for the rate limits and the login throttle (luoshi/core/counters.py): ``database`` (default,
# shared by every process through the database) or ``redis`` (INCR on LUOSHI_COUNTERS_REDIS_URL, default REDIS_URL).
LUOSHI_COUNTERS = os.environ.get("LUOSHI_COUNTERS", "database")
LUOSHI_COUNTERS_REDIS_URL = os.environ.get(
    "LUOSHI_COUNTERS_REDIS_URL", os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
)
LUOSHI_COUNTERS_PREFIX = os.environ.get("LUOSHI_COUNTERS_PREFIX", "luoshi:counter:")
# A password older than this must be changed before anything else, the API included (0: passwords never expire).
LUOSHI_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("LUOSHI_PASSWORD_MAX_AGE_DAYS", "90"))

JOBS_BACKEND = os.environ.get("LUOSHI_JOBS", "sqlite")
if JOBS_BACKEND == "redis":
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "luoshi",
        "url": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "immediate": False,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "luoshi",
        "filename": str(DATA_DIR / "jobs.sqlite3"),
        "immediate": JOBS_BACKEND == "immediate",
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# A running job beats every N seconds; one whose worker is silent for longer than the bound is ended by the sweep,
# and so is a pending job that no queue holds after the grace period.
LUOSHI_JOB_HEARTBEAT_SECONDS = float(os.environ.get("LUOSHI_JOB_HEARTBEAT_SECONDS", "10"))
LUOSHI_JOB_STALE_SECONDS = float(os.environ.get("LUOSHI_JOB_STALE_SECONDS", "60"))
LUOSHI_JOB_QUEUE_GRACE_SECONDS = float(os.environ.get("LUOSHI_JOB_QUEUE_GRACE_SECONDS", "120"))

LUOSHI_YELLOW_DAYS = int(os.environ.get("LUOSHI_YELLOW_DAYS", "3"))
LUOSHI_LOGIN_MAX_FAILURES = 5
LUOSHI_LOGIN_LOCK_MINUTES = 15
# Two-factor login (luoshi/accounts/twofactor.py): the name authenticator apps show; wrong codes count
# against the account like wrong passwords, so django-otp's own back-off is off.
OTP_TOTP_ISSUER = "落实 Luoshi"
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Public filing (群众端) and Open311: requests allowed per client IP and window (seconds); body size cap.
LUOSHI_PUBLIC_RATE_LIMITS = {"file": (10, 3600), "lookup": (60, 3600), "open311": (30, 3600)}
LUOSHI_PUBLIC_MAX_BODY_BYTES = 16 * 1024
LUOSHI_OPEN311_API_KEYS = [k for k in os.environ.get("LUOSHI_OPEN311_API_KEYS", "").split(",") if k]

# Notification channels beyond the inbox (docs/notifications.md); every channel is off until configured.
EMAIL_BACKEND = os.environ.get("LUOSHI_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("LUOSHI_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("LUOSHI_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("LUOSHI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("LUOSHI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("LUOSHI_EMAIL_TLS", False)
EMAIL_USE_SSL = env_bool("LUOSHI_EMAIL_SSL", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("LUOSHI_EMAIL_FROM", "luoshi@localhost")
LUOSHI_NOTICE_EMAIL = env_bool("LUOSHI_NOTICE_EMAIL", False)
LUOSHI_NOTICE_SMS_PROVIDER = os.environ.get("LUOSHI_NOTICE_SMS_PROVIDER", "")
LUOSHI_NOTICE_SMS_URL = os.environ.get("LUOSHI_NOTICE_SMS_URL", "")
LUOSHI_NOTICE_SMS_TOKEN = os.environ.get("LUOSHI_NOTICE_SMS_TOKEN", "")
LUOSHI_NOTICE_GROUP_ROBOTS = env_bool("LUOSHI_NOTICE_GROUP_ROBOTS", False)
LUOSHI_NOTICE_WECOM_WEBHOOK = os.environ.get("LUOSHI_NOTICE_WECOM_WEBHOOK", "")
LUOSHI_NOTICE_DINGTALK_WEBHOOK = os.environ.get("LUOSHI_NOTICE_DINGTALK_WEBHOOK", "")
LUOSHI_NOTICE_DINGTALK_SECRET = os.environ.get("LUOSHI_NOTICE_DINGTALK_SECRET", "")
LUOSHI_NOTICE_SITE_URL = os.environ.get("LUOSHI_NOTICE_SITE_URL", "")
LUOSHI_NOTICE_QUIET_HOURS = os.environ.get("LUOSHI_NOTICE_QUIET_HOURS", "22:00-07:00")
LUOSHI_NOTICE_DIGEST_HOUR = int(os.environ.get("LUOSHI_NOTICE_DIGEST_HOUR", "8"))
LUOSHI_NOTICE_RETRIES = int(os.environ.get("LUOSHI_NOTICE_RETRIES", "3"))
LUOSHI_NOTICE_RETRY_DELAY = int(os.environ.get("LUOSHI_NOTICE_RETRY_DELAY", "60"))
LUOSHI_NOTICE_HTTP_TIMEOUT = float(os.environ.get("LUOSHI_NOTICE_HTTP_TIMEOUT", "5"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_403_traceback": {"()": "luoshi.core.logfilters.NoTracebackForPermissionDenied"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LUOSHI_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["no_403_traceback"]},
    },
}
