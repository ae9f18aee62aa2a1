"""Settings, all from the environment (12-factor).

With nothing set the app runs in local mode: DEBUG on, an SQLite file, Celery
tasks executed in-process and e-mail printed to the console. Production sets
DEBUG=false, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and EMAIL_URL.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret")
else:
    SECRET_KEY = env("SECRET_KEY", default="")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY (at least 50 characters) is required when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Demo accounts (and their printed passwords) exist only in local mode.
DEMO_ACCOUNTS_ALLOWED = DEBUG

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "csp",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "adminsortable2",
    "reversion",
    "dlcurriculum.users",
    "dlcurriculum.mail",
    "stages",
    "progress",
    "capstones",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "dlcurriculum.urls"
WSGI_APPLICATION = "dlcurriculum.wsgi.application"

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
                "dlcurriculum.context_processors.site",
            ],
            "builtins": ["dlcurriculum.templatetags"],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Reuse connections between requests, and check them first so a connection the
# server dropped is replaced instead of failing a request.
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# SQLite cannot defer unique constraints; PostgreSQL (production, CI) enforces
# them, and forms validate the same rules on SQLite.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    SILENCED_SYSTEM_CHECKS = ["models.W038"]

# --- Redis: cache and Celery broker ----------------------------------------------
REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            # A down Redis must never break a page: see dlcurriculum/cache.py.
            "BACKEND": "dlcurriculum.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# A worker killed mid-task must not lose it: acknowledge after the task ran.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message a dead worker had taken is delivered again after this many seconds.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": min(10, CELERY_VISIBILITY_TIMEOUT),
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
# Publishing from a web request must fail fast when Redis is down (see dlcurriculum.tasks).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {}

# --- Auth ---------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "dlcurriculum.users.backends.ModelBackend",
    "dlcurriculum.users.backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# Returning learners pick up where they left off.
LOGIN_REDIRECT_URL = "dashboard"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "dlcurriculum.users.signup.SignupExtrasForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[dlcurriculum] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_RATE_LIMITS = {
    "login": env("RATE_LIMIT_LOGIN", default="30/m/ip"),
    "login_failed": env("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "signup": env("RATE_LIMIT_SIGNUP", default="20/m/ip"),
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}

# --- E-mail -------------------------------------------------------------------
EMAIL_URL = env("EMAIL_URL", default="consolemail://")
vars().update(env.email_url_config(EMAIL_URL))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="dlcurriculum <noreply@dlcurriculum.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Where "absolute" links in e-mails sent outside a request (reminders, reports) point.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env("SITE_NAME", default="dlcurriculum")

# --- Files --------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "dlcurriculum" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
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
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- i18n ---------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Every signed-in request reads its session: from the cache (Redis) first, the
# database stays the record, so a cache flush or a Redis outage signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# No inline scripts anywhere: all JavaScript is served from static files. Views
# that need a stricter policy (rendered notebooks) set their own header.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# --- Capstones: submissions, automatic checks, mentor review --------------------
CAPSTONE_MAX_NOTEBOOK_BYTES = env.int("CAPSTONE_MAX_NOTEBOOK_BYTES", default=20 * 1024 * 1024)
# Outputs longer than this (characters) are cut short in the rendering, with a note.
CAPSTONE_MAX_OUTPUT_CHARS = env.int("CAPSTONE_MAX_OUTPUT_CHARS", default=50_000)
# A mentor's claim with no activity for this many days returns the submission to the queue.
CAPSTONE_CLAIM_IDLE_DAYS = env.int("CAPSTONE_CLAIM_IDLE_DAYS", default=3)
# Work still not done this long after it was enqueued is enqueued again by the sweep (broker was down).
CAPSTONE_SWEEP_AFTER_MINUTES = env.int("CAPSTONE_SWEEP_AFTER_MINUTES", default=10)
CELERY_BEAT_SCHEDULE["capstones-sweep"] = {"task": "capstones.tasks.sweep", "schedule": 300.0}
# A resubmission goes back to the mentor who asked for the changes; untouched this many days, to the queue.
CAPSTONE_RESUBMISSION_LEASE_DAYS = env.int("CAPSTONE_RESUBMISSION_LEASE_DAYS", default=3)
# Messages, resubmissions and decisions are e-mailed this long after the last of a burst, all in one e-mail...
CAPSTONE_NOTIFY_DELAY_SECONDS = env.int("CAPSTONE_NOTIFY_DELAY_SECONDS", default=120)
# ...but never later than this after the first, however long the burst goes on.
CAPSTONE_NOTIFY_MAX_WAIT_SECONDS = env.int("CAPSTONE_NOTIFY_MAX_WAIT_SECONDS", default=900)
# A mentor is nudged once about a claim idle this many days (before it expires at CAPSTONE_CLAIM_IDLE_DAYS).
CAPSTONE_CLAIM_NUDGE_DAYS = env.int("CAPSTONE_CLAIM_NUDGE_DAYS", default=2)
CELERY_BEAT_SCHEDULE["capstones-mentor-nudges"] = {
    "task": "capstones.tasks.nudge_mentors",
    "schedule": crontab(minute=0),
}

# --- Link health (issue 5): scheduled checks of every resource URL ------------------
# When the beat job runs, as a crontab "minute hour day-of-month month day-of-week" (UTC).
LINKCHECK_SCHEDULE = env("LINKCHECK_SCHEDULE", default="30 3 * * *")
LINKCHECK_CONCURRENCY = env.int("LINKCHECK_CONCURRENCY", default=32)
LINKCHECK_PER_HOST_CONCURRENCY = env.int("LINKCHECK_PER_HOST_CONCURRENCY", default=2)
LINKCHECK_PER_HOST_INTERVAL = env.float("LINKCHECK_PER_HOST_INTERVAL", default=0.5)
LINKCHECK_CONNECT_TIMEOUT = env.float("LINKCHECK_CONNECT_TIMEOUT", default=10.0)
LINKCHECK_READ_TIMEOUT = env.float("LINKCHECK_READ_TIMEOUT", default=20.0)
LINKCHECK_TOTAL_TIMEOUT = env.float("LINKCHECK_TOTAL_TIMEOUT", default=30.0)
LINKCHECK_MAX_REDIRECTS = env.int("LINKCHECK_MAX_REDIRECTS", default=5)
LINKCHECK_RETRY_AFTER_CAP = env.float("LINKCHECK_RETRY_AFTER_CAP", default=30.0)
LINKCHECK_USER_AGENT = env(
    "LINKCHECK_USER_AGENT", default=f"dlcurriculum-linkcheck/1.0 (+{SITE_URL}; checks the curriculum's links daily)"
)
# Broken or timed-out checks in a row before learners see "this link may be broken".
LINKCHECK_FAILURES_BEFORE_FLAG = env.int("LINKCHECK_FAILURES_BEFORE_FLAG", default=2)
# Private, loopback and link-local hosts are refused in production (the checker must not
# probe the internal network); local mode allows them for tests and benchmarks.
LINKCHECK_ALLOW_PRIVATE_ADDRESSES = env.bool("LINKCHECK_ALLOW_PRIVATE_ADDRESSES", default=DEBUG)
LINKCHECK_BATCH_SIZE = env.int("LINKCHECK_BATCH_SIZE", default=200)
# Checks older than this leave the history (each link's current state stays in LinkStatus).
LINKCHECK_HISTORY_DAYS = env.int("LINKCHECK_HISTORY_DAYS", default=180)


def _crontab(spec: str):
    fields = spec.split()
    if len(fields) != 5:
        raise ImproperlyConfigured(
            f"LINKCHECK_SCHEDULE must be a crontab 'minute hour day-of-month month day-of-week', got {spec!r}."
        )
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    try:
        return crontab(minute, hour, day_of_week, day_of_month, month_of_year)
    except ValueError as exc:
        raise ImproperlyConfigured(f"LINKCHECK_SCHEDULE {spec!r} is not a valid crontab: {exc}") from exc


CELERY_BEAT_SCHEDULE["check-links"] = {"task": "stages.tasks.check_links", "schedule": _crontab(LINKCHECK_SCHEDULE)}
CELERY_BEAT_SCHEDULE["prune-link-history"] = {
    "task": "stages.tasks.prune_link_history",
    "schedule": crontab(minute=15, hour=4),
}

# --- Reminders and notification e-mails (issue 6) ------------------------------
# Learners handled per batch: a constant number of queries and one SMTP connection each.
REMINDER_BATCH_SIZE = env.int("REMINDER_BATCH_SIZE", default=500)
# A reminder goes out at the learner's preferred local hour; a missed hourly run is caught up this many hours later.
REMINDER_SEND_WINDOW_HOURS = env.int("REMINDER_SEND_WINDOW_HOURS", default=3)
# Unanswered inactivity reminders per inactive stretch before we let the learner go.
REMINDER_INACTIVITY_MAX_REPEATS = env.int("REMINDER_INACTIVITY_MAX_REPEATS", default=3)
# SMTP failures: retried with exponential backoff, recorded as permanent after this many attempts.
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=8)
REMINDER_RETRY_BASE_SECONDS = env.int("REMINDER_RETRY_BASE_SECONDS", default=300)
REMINDER_RETRY_MAX_SECONDS = env.int("REMINDER_RETRY_MAX_SECONDS", default=6 * 3600)
# A run that dies while sending holds its claim this long before another run may send the reminder.
REMINDER_LEASE_SECONDS = env.int("REMINDER_LEASE_SECONDS", default=1800)
UNSUBSCRIBE_LINK_MAX_AGE_DAYS = env.int("UNSUBSCRIBE_LINK_MAX_AGE_DAYS", default=180)
CELERY_BEAT_SCHEDULE["mail-send-reminders"] = {"task": "mail.send_reminders", "schedule": crontab(minute=0)}
# Records of sent and failed e-mails (addresses included) are kept this long.
SENT_EMAIL_RETENTION_DAYS = env.int("SENT_EMAIL_RETENTION_DAYS", default=365)
CELERY_BEAT_SCHEDULE["mail-prune-sent-emails"] = {
    "task": "mail.prune_sent_emails",
    "schedule": crontab(minute=45, hour=4),
}

# --- Health checks (issue 7) -----------------------------------------------------
# /healthz and /readyz answer whatever the Host header says: probes use the container's address.
MIDDLEWARE.insert(0, "dlcurriculum.health.HealthCheckMiddleware")
