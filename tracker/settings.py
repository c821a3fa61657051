"""Settings for the declaration tracker.

Every value comes from the environment; `.env.example` lists each variable. Environments
differ in values, never in code paths. Defaults are chosen so that a fresh checkout runs
with no set-up (SQLite file, DEBUG only when asked for) and so that a production
deployment fails closed.
"""

import datetime
import os

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from tracker.env import (
    PROJECT_DIR,
    cache_from_url,
    database_from_url,
    env_bool,
    env_int,
    env_int_list,
    env_list,
    env_rate,
)

BASE_DIR = PROJECT_DIR

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random value, "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-true"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    # Background tasks stored in the project's database; `manage.py db_worker` runs them.
    "django_tasks_db",
    "tracker",
    "declarations",
]

MIDDLEWARE = [
    # The security headers first: whitenoise answers static files without calling the
    # middleware below it, so only what lies above it reaches those answers too.
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Static files from STATIC_ROOT (after collectstatic), by every app-server process.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "tracker.audit.AuditMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"

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
                "django.template.context_processors.csp",
            ],
            # The reports' template tags live with the reports, not in a templatetags/
            # package of the app.
            "libraries": {
                "reports": "declarations.reports.templatetags",
                "tracker_admin": "declarations.admin.templatetags",
            },
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", "sqlite:///db.sqlite3"),
        conn_max_age=env_int("CONN_MAX_AGE", 60, minimum=0),
    ),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# "SQLite does not support indexes with non-key columns": status_current_idx carries
# PostgreSQL-only covering columns, which SQLite's copy of the index simply leaves out.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
# JSON fixtures (manage.py backup/restore) keep timestamps to the microsecond.
SERIALIZATION_MODULES = {"json": "tracker.fixture_format"}

# API throttling counts requests in this cache: with several worker processes it must be
# shared (db:// or redis://), or each process keeps its own count.
CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", "locmem://"))}

# django-axes first: it refuses a locked-out client before its password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Brute-force protection (admin sign-in and API tokens), tracker/lockout.py: failures within
# AXES_COOLOFF_MINUTES lock out for that long a username from one address after
# AXES_FAILURE_LIMIT, an address (whatever the usernames) after TRACKER_LOCKOUT_ADDRESS_LIMIT,
# and a username (from any addresses) after TRACKER_LOCKOUT_USERNAME_LIMIT; 0 turns either
# of the last two off. API token failures count under one pseudo-username, per address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
TRACKER_LOCKOUT_ADDRESS_LIMIT = env_int("TRACKER_LOCKOUT_ADDRESS_LIMIT", 20, minimum=0)
TRACKER_LOCKOUT_USERNAME_LIMIT = env_int("TRACKER_LOCKOUT_USERNAME_LIMIT", 10, minimum=0)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_HANDLER = "tracker.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = "tracker.lockout.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
# Failures while locked out are not counted, so a lockout ends after the cool-off however
# long someone goes on trying: a valid user is never locked out for longer.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "tracker.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "tracker.audit.client_ip"
# The audit log (declarations.audit) records failures; axes' own per-attempt log rows and
# its chatty INFO lines add nothing to it.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# Dates day first everywhere ("30 Nov 2026", typed 30/11/2026): tracker/formats/en_GB.
FORMAT_MODULE_PATH = ["tracker.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Compressed copies (gzip, brotli when installed) written by collectstatic; names are not
# hashed, so pages render before collectstatic has run (tests, a fresh checkout).
# Evidence files live in their own storage, outside every public path: they are served only
# by the view that checks who may see the entry. Local files by default; an S3-compatible
# store with TRACKER_EVIDENCE_STORAGE=s3 (django-storages, see README).
TRACKER_EVIDENCE_STORAGE = os.environ.get("TRACKER_EVIDENCE_STORAGE", "local")
if TRACKER_EVIDENCE_STORAGE not in {"local", "s3"}:
    raise ImproperlyConfigured(
        f"TRACKER_EVIDENCE_STORAGE={TRACKER_EVIDENCE_STORAGE!r}: use local or s3."
    )
EVIDENCE_STORAGE = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("TRACKER_EVIDENCE_BUCKET", ""),
            "endpoint_url": os.environ.get("TRACKER_EVIDENCE_ENDPOINT_URL") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if TRACKER_EVIDENCE_STORAGE == "s3"
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get("TRACKER_EVIDENCE_ROOT") or str(BASE_DIR / "evidence-files"),
            "base_url": None,
        },
    }
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "evidence": EVIDENCE_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Files made by background jobs (large report downloads). Outside the static and any
    # public address, with no base URL: each is served only by its job's download view,
    # to the user who asked for it. Several hosts need a shared directory here.
    "jobs": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get("TRACKER_JOB_FILES_DIR", str(BASE_DIR / "var" / "jobs")),
            "base_url": None,
        },
    },
}

LOGIN_URL = "admin:login"
# Where a sign-in without a (safe) `next` lands: each user's home, by role.
LOGIN_REDIRECT_URL = "signed_in"

# Production hardening: on unless DEBUG, each overridable by its own variable.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe /healthz over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# A strict Content-Security-Policy on every response: no inline scripts or styles, no
# third-party hosts. Charts are server-rendered SVG, so nothing here needs loosening.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies every request passes, each appending to X-Forwarded-For: the caller's
# address (audit log, lockout, API throttles) is the hop the outermost one appended. 0: the
# connection's own address, and X-Forwarded-For is ignored.
TRACKER_TRUSTED_PROXIES = env_int(
    "TRACKER_TRUSTED_PROXIES", 1 if BEHIND_TLS_PROXY else 0, minimum=0
)

# Outgoing mail (reminders). SMTP in production; the console in DEBUG unless set.
EMAIL_BACKEND_PATH = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
        }
        if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend")
        else {},
    },
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tracker@localhost")
# The site's own address, for links in mails (review requests, decisions, reminders).
TRACKER_SITE_URL = os.environ.get("TRACKER_SITE_URL", "http://localhost:8000")

# Domain settings.
# An instrument with no published update for this many days is "stale".
TRACKER_STALE_AFTER_DAYS = env_int("TRACKER_STALE_AFTER_DAYS", 180)
# The changes report lists a progress move of at least this many points (status changes always).
TRACKER_CHANGES_PROGRESS_STEP = env_int("TRACKER_CHANGES_PROGRESS_STEP", 10)
# The largest evidence file a status entry may carry, in bytes.
TRACKER_EVIDENCE_MAX_BYTES = env_int("TRACKER_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
# The largest declaration text (or uploaded file) the importer accepts, in bytes.
TRACKER_IMPORT_MAX_BYTES = env_int("TRACKER_IMPORT_MAX_BYTES", 1_000_000)
# The largest PDF, Word document or saved web page it reads; their text is then held to
# TRACKER_IMPORT_MAX_BYTES like a text file's.
TRACKER_IMPORT_MAX_FILE_BYTES = env_int("TRACKER_IMPORT_MAX_FILE_BYTES", 20_000_000, minimum=1)
# More than any declaration has, and well within the range of a clause's number (32,767).
TRACKER_IMPORT_MAX_PARAGRAPHS = env_int("TRACKER_IMPORT_MAX_PARAGRAPHS", 2_000)
if not 1 <= TRACKER_IMPORT_MAX_PARAGRAPHS <= 30_000:
    raise ImproperlyConfigured("TRACKER_IMPORT_MAX_PARAGRAPHS must be between 1 and 30000.")
# Checked before parsing: non-blank lines in a text, and characters in one line.
TRACKER_IMPORT_MAX_LINES = env_int("TRACKER_IMPORT_MAX_LINES", 10_000)
TRACKER_IMPORT_MAX_LINE_CHARS = env_int("TRACKER_IMPORT_MAX_LINE_CHARS", 10_000)
# How far in the future a status entry's as-of date may lie (time zones differ by a day).
TRACKER_MAX_FUTURE_DAYS = env_int("TRACKER_MAX_FUTURE_DAYS", 1)
# When true, anyone may read the reports; otherwise they need a signed-in user who may view
# instruments (managers, editors, administrators, country editors).
TRACKER_PUBLIC_REPORTS = env_bool("TRACKER_PUBLIC_REPORTS", False)
# Anonymous visitors may read the API (never write) when true: for a public deployment.
TRACKER_PUBLIC_API = env_bool("TRACKER_PUBLIC_API", False)
# Reminders for a reporting round's open requests go out on these days before its due date
# (positive) and after it (negative), when `send_reminders` runs that day.
TRACKER_ROUND_REMINDER_DAYS = env_int_list("TRACKER_ROUND_REMINDER_DAYS", "14,7,1,-1,-7")
# Published status entries appear in the API's incremental feed this many seconds after
# publication, so that a transaction still committing an earlier entry cannot be overtaken.
TRACKER_API_SYNC_DELAY_SECONDS = env_int("TRACKER_API_SYNC_DELAY_SECONDS", 10)

# Background work (large downloads and imports, reminders) runs as Django tasks. "database"
# keeps them in the project's database for `manage.py db_worker` processes (any number, on
# any host, each task taken once); "immediate" runs each task inside the request that asks
# for it (the test suite's default: no worker needed).
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
_tasks_backend = os.environ.get("TASKS_BACKEND", "database").strip().lower()
if _tasks_backend not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={_tasks_backend!r} is not one of {', '.join(TASK_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[_tasks_backend]}}
# A PDF or XLSX download of more rows than this is built by a worker and offered for
# download when ready; smaller ones are answered at once. 0 sends every one to a worker.
TRACKER_BACKGROUND_DOWNLOAD_ROWS = env_int("TRACKER_BACKGROUND_DOWNLOAD_ROWS", 1000)
# A declaration text longer than this many bytes is written by a worker when confirmed.
TRACKER_BACKGROUND_IMPORT_BYTES = env_int("TRACKER_BACKGROUND_IMPORT_BYTES", 100_000)
# Hours a job's file (a finished download) is kept before `manage.py prune_jobs` deletes it.
TRACKER_JOB_FILES_KEEP_HOURS = env_int("TRACKER_JOB_FILES_KEEP_HOURS", 24)
# A running job whose progress has not moved for this many minutes has lost its worker
# and may be retried.
TRACKER_JOB_STALLED_MINUTES = env_int("TRACKER_JOB_STALLED_MINUTES", 15)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "declarations.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["declarations.api.permissions.ReadAccess"],
    "DEFAULT_FILTER_BACKENDS": ["declarations.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "declarations.api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "declarations.api.throttling.AnonThrottle",
        "declarations.api.throttling.UserThrottle",
        "declarations.api.throttling.WriteThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("TRACKER_API_RATE_ANON", "60/minute"),
        "user": env_rate("TRACKER_API_RATE_USER", "600/minute"),
        "write": env_rate("TRACKER_API_RATE_WRITE", "60/minute"),
    },
    # Throttles count anonymous callers by the same address as the audit log and lockout.
    "NUM_PROXIES": TRACKER_TRUSTED_PROXIES,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Declaration tracker API",
    "DESCRIPTION": (
        "Declarations, clauses, instruments and their published implementation status. "
        "Send `Authorization: Token <key>` with a key from an administrator."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's files come from the drf-spectacular-sidecar package, served as static
    # files by this site: no CDN, which the Content-Security-Policy would block anyway.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No deep links: Swagger UI puts each operation's link inside the button that opens
    # it, a control within a control that keyboards and screen readers cannot use.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "declarations.api.schema.csv_as_text",
        "declarations.api.schema.optional_expansions",
        "declarations.api.schema.error_responses",
        "declarations.api.schema.operation_links",
    ],
    # One named enum per set of choices, whichever field uses it.
    "ENUM_NAME_OVERRIDES": {
        "InstrumentKindEnum": "declarations.models.Kind",
        "EvidenceKindEnum": "declarations.models.EvidenceKind",
        "StatusEnum": "declarations.models.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint logs each layout step of a PDF at INFO and every CSS property it does not
    # know (browser-only print settings) as a warning: neither needs an operator.
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        # Audit records (sign-in failures, denials, publications, conflicts): one
        # key=value line each; route this logger to its own file or collector if needed.
        "tracker.audit": {"level": "INFO"},
        # django-axes logs each failure itself; the audit logger already has them.
        "axes": {"level": "ERROR"},
    },
}
