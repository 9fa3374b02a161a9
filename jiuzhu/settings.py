"""Settings for jiuzhu: every value from the environment, with safe development defaults.

With no environment at all the system runs on SQLite and an embedded (filesystem)
Celery broker, so a new user needs no server. ``DATABASE_URL`` selects PostgreSQL,
``REDIS_URL`` selects Redis for the broker and the cache. With ``DJANGO_DEBUG=0`` a
missing secret fails at start instead of running with a development key.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("JIUZHU_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_secret(name: str, dev_default: str) -> str:
    value = os.environ.get(name)
    if value:
        return value
    if not DEBUG:
        raise ImproperlyConfigured(f"{name} must be set when DJANGO_DEBUG is off.")
    return dev_default


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_secret("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-0123456789")
# Keys for personal data at rest: ID numbers are encrypted (Fernet) and found by a keyed HMAC.
FIELD_ENCRYPTION_KEY = env_secret("JIUZHU_FIELD_KEY", "dev-only-field-key-0123456789abcdef")
# Earlier field keys, comma-separated: they still decrypt until `manage.py rotate_field_key`
# has re-encrypted every stored token under JIUZHU_FIELD_KEY (then drop them).
FIELD_ENCRYPTION_OLD_KEYS = tuple(env_list("JIUZHU_FIELD_OLD_KEYS"))
ID_HMAC_KEY = env_secret("JIUZHU_HMAC_KEY", "dev-only-hmac-key-0123456789abcdef")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "jiuzhu.apps.JiuzhuConfig",
    "households.apps.HouseholdsConfig",
    "caseworkers.apps.CaseworkersConfig",
    "staffing.apps.StaffingConfig",
    "dashboards.apps.DashboardsConfig",
    "bench.apps.BenchConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Inside SessionMiddleware: marks the session for saving when its expiry must move.
    "jiuzhu.middleware.IdleSessionRenewalMiddleware",
    "jiuzhu.middleware.ChineseByDefaultMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jiuzhu.middleware.LoginRequiredExceptApiMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jiuzhu.middleware.NoStoreMiddleware",
    # With DEBUG on, the Chinese 404 page instead of Django's URL list (a no-op in production).
    "jiuzhu.middleware.ErrorPagesInDebugMiddleware",
    # AxesMiddleware must stay last: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

# With DEBUG on, show Django's 404 page listing every URL pattern instead of ours (a developer's choice).
JIUZHU_DEBUG_URL_LIST = env_bool("JIUZHU_DEBUG_URL_LIST", False)

ROOT_URLCONF = "jiuzhu.urls"
WSGI_APPLICATION = "jiuzhu.wsgi.application"

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
                "jiuzhu.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jiuzhu.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # SQLite is the embedded default: WAL and a busy timeout let the web server and
    # the Celery worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the big GROUP BYs of the dashboards spent more compiling than it saved
    # (12.8 s -> 11.5 s for every city panel at a million households, bench/RESULTS.md), and
    # so did the nightly review's one-scan statements (1.5 s of 2.1 s at 100,000 households);
    # the short queries of the pages never reach its threshold anyway.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "jiuzhu.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "jiuzhu.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions expire after 30 idle minutes, counted from the last use, not from login:
# jiuzhu.middleware.IdleSessionRenewalMiddleware moves the expiry at most once a minute
# (not a session write on every page, as SESSION_SAVE_EVERY_REQUEST would).
SESSION_COOKIE_AGE = int(os.environ.get("JIUZHU_SESSION_IDLE_SECONDS", "1800"))
JIUZHU_SESSION_RENEW_SECONDS = int(os.environ.get("JIUZHU_SESSION_RENEW_SECONDS", "60"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# API tokens (/api/auth/token/) are refused this many hours after they were issued, and
# deleted at logout (jiuzhu.authentication).
JIUZHU_TOKEN_HOURS = int(os.environ.get("JIUZHU_TOKEN_HOURS", "12"))

# Lockout (jiuzhu.lockout): 5 failures lock that account from any address; an address is
# locked only after 50 failures spread over several accounts (each account counts at most 5),
# since a whole township office, or every office behind the intranet's proxy, shares one
# address. Both for JIUZHU_LOCKOUT_MINUTES.
AXES_HANDLER = "jiuzhu.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("JIUZHU_LOCKOUT_FAILURES", "5"))
JIUZHU_LOCKOUT_ADDRESS_FAILURES = int(os.environ.get("JIUZHU_LOCKOUT_ADDRESS_FAILURES", "50"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("JIUZHU_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "jiuzhu.views.locked_out"
AXES_VERBOSE = False
# Behind reverse proxies, read the real client address from X-Forwarded-For: set
# JIUZHU_PROXIES_IN_FRONT to how many proxies stand in front of Django. The address
# the nearest of our proxies saw is used (entries a client adds itself are ignored),
# so one proxy address does not lock everyone out and a client cannot choose its own.
PROXIES_IN_FRONT = int(os.environ.get("JIUZHU_PROXIES_IN_FRONT", "0"))
AXES_CLIENT_IP_CALLABLE = "jiuzhu.client_ip.client_ip"

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None  # no anonymous user row: nothing is public

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FORMAT_MODULE_PATH = ["jiuzhu.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded documents live outside the static root and have no public URL: they are
# served only by a view that checks the household's scope.
MEDIA_ROOT = Path(os.environ.get("JIUZHU_MEDIA_ROOT", VAR_DIR / "documents"))
# No URL pattern serves this prefix (Django requires one to be set).
MEDIA_URL = "/documents-are-not-served-here/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
JIUZHU_UPLOAD_MAX_BYTES = int(os.environ.get("JIUZHU_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# A legacy spreadsheet import (households/forms.ImportForm): a 20,000-member roster is ~2 MB.
JIUZHU_IMPORT_MAX_BYTES = int(os.environ.get("JIUZHU_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# What the import reads of that file (jiuzhu/xlsx.ReadLimits), past which it stops and says
# which limit: a hostile file (a cell reference far to the right, a zip bomb) costs a worker
# no more than these. A 50,000-member roster is ~28 MB of sheet XML and reads in ~7 s.
JIUZHU_IMPORT_MAX_ROWS = int(os.environ.get("JIUZHU_IMPORT_MAX_ROWS", "50000"))  # below the heading
JIUZHU_IMPORT_MAX_COLUMNS = int(os.environ.get("JIUZHU_IMPORT_MAX_COLUMNS", "50"))  # the template has 10
JIUZHU_IMPORT_MAX_XML_BYTES = int(os.environ.get("JIUZHU_IMPORT_MAX_XML_BYTES", str(64 * 1024 * 1024)))
# Reading and checking the rows (the write is one transaction under the task's time limit).
JIUZHU_IMPORT_MAX_SECONDS = int(os.environ.get("JIUZHU_IMPORT_MAX_SECONDS", "300"))
# An import's report keeps the first this many bad rows, and counts them all.
JIUZHU_IMPORT_MAX_ERRORS = int(os.environ.get("JIUZHU_IMPORT_MAX_ERRORS", "200"))
# Roster exports are files under MEDIA_ROOT/exports/ (they hold ID numbers): deleted by the
# nightly purge this many days after they were written.
JIUZHU_EXPORT_KEEP_DAYS = int(os.environ.get("JIUZHU_EXPORT_KEEP_DAYS", "7"))
# A job (import, export, review pass) still queued or running this long is taken for lost
# (its worker killed) and marked failed by households.fail_stale_jobs, every 15 minutes.
# Longer than the longest task's time limit (35 minutes).
JIUZHU_JOB_STALE_MINUTES = int(os.environ.get("JIUZHU_JOB_STALE_MINUTES", "60"))

# The audit trail is append-only (a database trigger, jiuzhu/audit_lock.py); events older than
# this many years may be deleted by the database owner with `manage.py purge_audit`. Set it
# to the retention period the office's archive rules require.
JIUZHU_AUDIT_KEEP_YEARS = int(os.environ.get("JIUZHU_AUDIT_KEEP_YEARS", "10"))

# The "My tasks" badge counts what is overdue or due within this many days (the day itself
# included); the task list shows everything, however far off.
JIUZHU_TASK_BADGE_DAYS = int(os.environ.get("JIUZHU_TASK_BADGE_DAYS", "7"))

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Without Redis, a file cache under var/: the web server, the Celery worker and beat
    # all read and write it, so a worker's refresh or the nightly invalidation is seen by
    # every web process (a process's own memory was not: the page kept showing figures
    # computed hours before). Not the database cache: it needs a table migrate does not
    # create, adds queries to every page and, on SQLite, writes that wait for the worker's
    # long transactions. Processes on several machines need REDIS_URL (or a shared folder).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("JIUZHU_CACHE_DIR", str(VAR_DIR / "cache")),
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("JIUZHU_CACHE_MAX_ENTRIES", "5000"))},
        }
    }
# City and county dashboards: served from the cache for this long, then served stale while
# a worker recomputes them, up to the maximum age (0 turns caching off).
DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "300"))
DASHBOARD_CACHE_MAX_AGE = int(os.environ.get("DASHBOARD_CACHE_MAX_AGE", str(26 * 3600)))

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport, which
# needs no server and lets `make run` start a real worker and beat.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
# The longest hard time limit of any task (the review, imports, exports, the warm-up: 35 min).
# Redis gives an unacknowledged message (acks_late) to another worker after the visibility
# timeout: shorter than a task's run, a healthy long task would be run twice at once.
CELERY_LONGEST_TASK_SECONDS = 35 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"visibility_timeout": CELERY_LONGEST_TASK_SECONDS + 10 * 60}
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
)
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_IGNORE_RESULT = not REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
# The beat schedule is code, reviewed like code: every periodic task of every app is here.
# A name that no task has fails ``manage.py check`` (jiuzhu.checks), not a night's run.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "households-nightly-review": {
        "task": "households.run_review",
        # After midnight, when the day's verifications and change reports are in.
        "schedule": crontab(hour=1, minute=30),
        "options": {"expires": 6 * 60 * 60},
    },
    "households-purge-exports": {
        "task": "households.purge_exports",
        # Roster files hold ID numbers: kept JIUZHU_EXPORT_KEEP_DAYS days, then deleted.
        "schedule": crontab(hour=3, minute=10),
        "options": {"expires": 6 * 60 * 60},
    },
    "households-fail-stale-jobs": {
        "task": "households.fail_stale_jobs",
        # Jobs of a killed worker stay "running": marked failed after JIUZHU_JOB_STALE_MINUTES.
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 10 * 60},
    },
    "staffing-alerts-nightly": {
        "task": "staffing.alerts",
        # After the review, on its own: the staffing findings do not wait on the households.
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 6 * 60 * 60},
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "jiuzhu.authentication.ExpiringTokenAuthentication",
    ],
    # Deny by default: DRF's own default is AllowAny.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON nested past a limit is a 400 (jiuzhu/parsers.py); forms and uploads as DRF's.
    "DEFAULT_PARSER_CLASSES": [
        "jiuzhu.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "jiuzhu.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "jiuzhu.api.exception_handler",
    "DATE_FORMAT": "iso-8601",  # date.isoformat(): year 234 is "0234-07-31", not "234-07-31" (not a date)
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "jiuzhu 救助 API",
    "DESCRIPTION": "Township social-assistance case management (嘉政民救〔2018〕45号).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema maps every endpoint: only for logged-in users, like everything else.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets shared by several fields get one name each in the schema.
    "ENUM_NAME_OVERRIDES": {
        "HouseholdStatusEnum": "households.models.dossier.HouseholdStatus",
        "EnrolmentStatusEnum": "households.models.dossier.EnrolmentStatus",
        "CategoryEnum": "households.models.dossier.Category",
        "NeedDomainEnum": "households.models.dossier.NeedDomain",
        "NeedLevelEnum": "households.models.dossier.NeedLevel",
        "DocumentKindEnum": "households.models.dossier.DocumentKind",
        "LeaveReasonEnum": "households.models.dossier.LeaveReason",
        "ImportJobStatusEnum": "households.models.jobs.ImportJobStatus",
        "PlanStatusEnum": "households.models.plans.PlanStatus",
        "ActionKindEnum": "households.models.plans.ActionKind",
        "ActionStatusEnum": "households.models.plans.ActionStatus",
        "ApplicationStatusEnum": "households.models.procedure.ApplicationStatus",
        "ChangeKindEnum": "households.models.review.ChangeKind",
        "ReviewOutcomeEnum": "households.models.review.ReviewOutcome",
        "ReviewStatusEnum": "households.models.review.ReviewStatus",
        "ReviewRunStatusEnum": "households.models.review.RunStatus",
        "ResourceDomainEnum": "caseworkers.models.Domain",
        "ResourceKindEnum": "caseworkers.models.ResourceKind",
        "FeedbackKindEnum": "caseworkers.models.FeedbackKind",
        "FeedbackStatusEnum": "caseworkers.models.FeedbackStatus",
        "ReferralStatusEnum": "caseworkers.models.ReferralStatus",
        "VolunteerStatusEnum": "caseworkers.models.VolunteerStatus",
        "TypicalCaseStatusEnum": "caseworkers.models.CaseStatus",
        "CertificateEnum": "staffing.models.Certificate",
        "CaseworkerStatusEnum": "staffing.models.CaseworkerStatus",
        "AlertKindEnum": "staffing.models.AlertKind",
        "AreaLevelEnum": "jiuzhu.models.AreaLevel",
    },
}

# The menu entries and the demo data of each app, in order (settings are the composition
# root: the core names no app in its code). An entry that fails to import fails loudly.
JIUZHU_MENUS = [
    "households.nav.items",
    "caseworkers.nav.items",
    "staffing.nav.items",
    "dashboards.nav.items",
    "jiuzhu.parameters.nav.items",
]
JIUZHU_DEMO_SEEDERS = ["households.demo.seed", "caseworkers.demo.seed", "staffing.demo.seed"]

# Production hardening: on whenever DEBUG is off (see README "Production settings").
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PROXIES_IN_FRONT else None
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JIUZHU_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
