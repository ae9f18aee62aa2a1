"""Settings, all from the environment (12-factor).

With nothing set the app runs in local mode: DEBUG on, an SQLite file, Celery
tasks executed in-process and e-mail printed to the console. Production sets
DEBUG=false, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL, EMAIL_URL and an
https SITE_URL, and refuses to start while any of them is missing (dlcurriculum.config).
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from dlcurriculum.config import IncompleteConfiguration, production_problems

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret" if DEBUG else "")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

if not DEBUG:
    # Every missing production setting named in one message, before anything falls back to local mode.
    _problems = production_problems(
        secret_key=SECRET_KEY,
        allowed_hosts=ALLOWED_HOSTS,
        database_url=env.str("DATABASE_URL", default=""),
        redis_url=env.str("REDIS_URL", default=""),
        email_url=env.str("EMAIL_URL", default=""),
        site_url=env.str("SITE_URL", default=""),
    )
    if _problems:
        raise IncompleteConfiguration(_problems)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Demo accounts (and their printed passwords) exist only in local mode.
DEMO_ACCOUNTS_ALLOWED = DEBUG

INSTALLED_APPS = [
    # django.contrib.admin, with its sign-in under the rate limits (dlcurriculum.users.admin_site).
    "dlcurriculum.users.apps.AdminConfig",
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
    "dlcurriculum.users.backends.SessionKeyMiddleware",
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
                "dlcurriculum.drafts.saved_drafts",
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
    # A PostgreSQL that does not answer must cost a request seconds, not a worker: connecting is
    # bounded here, a long query by the server, and a connection that stops answering by the
    # request deadline (dlcurriculum/timeouts.py). Workers may allow longer statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": env.int("DB_CONNECT_TIMEOUT", default=3),
            # Off in local mode (debugging, benchmarks seeding large data); migrations in production set 0.
            "options": f"-c statement_timeout={env.int('DB_STATEMENT_TIMEOUT_MS', default=0 if DEBUG else 10_000)}",
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        }
    )
# Every request has this long (seconds; 0: no deadline). Below gunicorn's --timeout (gunicorn.conf.py).
# Off in local mode: a breakpoint, or a test's shared connection, must not be cut.
REQUEST_TIMEOUT = env.float("REQUEST_TIMEOUT", default=0.0 if DEBUG else 15.0)
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
        },
        # Sessions: never a per-process copy. While Redis is away this alias misses and
        # cached_db reads the database (see dlcurriculum/cache.py).
        "sessions": {
            "BACKEND": "dlcurriculum.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sessions",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5, "MEMORY_FALLBACK": False},
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "sessions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sessions"},
    }
SESSION_CACHE_ALIAS = "sessions"

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# Only the batches of jobs that fan out keep a result: their chord callback collects them.
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_RESULT_EXPIRES = 24 * 3600
# A worker killed mid-task must not lose it: acknowledge after the task ran.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Set per worker from the queues it serves (JOB_QUEUES below); this is the fallback.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# No task runs longer than this (tasks may set less); every job is safe to stop and run again.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=600)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=CELERY_TASK_TIME_LIMIT - 30)
# A message a dead worker had taken is delivered again after this many seconds: longer than the
# longest task may run (or a running task would be delivered a second time), and no longer.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 60)
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
# A tick missed while the broker was away is sent when it is back (see dlcurriculum/beat.py).
CELERY_BEAT_SCHEDULER = "dlcurriculum.beat:CatchUpScheduler"
CELERY_BEAT_MAX_INTERVAL = 30

# --- Job queues: one per kind of job ------------------------------------------------
# A nightly check of every link or a burst of notebook analyses must never delay an
# e-mail, so each kind has its own queue and its own workers (docker-compose.yml runs
# one worker service per queue group; scale each with `docker compose up --scale`).
# Per queue: soft and hard time limits in seconds (every task routed there gets them, or its own where tighter;
# the soft one lets the task stop cleanly) and how many messages a worker process takes
# ahead (long CPU-bound jobs one, so a queued job waits for any free worker, not a busy one).
# The broker's visibility timeout must stay above every hard limit, or a job still running
# is handed to a second worker.
JOB_QUEUES = {
    "linkcheck": {"soft_time_limit": 480, "time_limit": 540, "prefetch": 1},
    "notebooks": {"soft_time_limit": 120, "time_limit": 150, "prefetch": 1},
    "email": {"soft_time_limit": 300, "time_limit": 330, "prefetch": 4},
    "housekeeping": {"soft_time_limit": 540, "time_limit": 600, "prefetch": 1},
}
# First match wins; a task matching nothing goes to housekeeping.
CELERY_TASK_ROUTES = {
    "*.prune_*": {"queue": "housekeeping"},
    # The outbox: the tasks that talk to the mail server for every e-mail (and its sweep of retries).
    "mail.deliver*": {"queue": "email"},
    "*.sweep": {"queue": "housekeeping"},
    "*reminder*": {"queue": "email"},
    "stages.tasks.*": {"queue": "linkcheck"},
    "capstones.tasks.analyse_*": {"queue": "notebooks"},
    "capstones.tasks.render_*": {"queue": "notebooks"},
    "*.send_*": {"queue": "email"},
}
CELERY_TASK_DEFAULT_QUEUE = "housekeeping"
# A worker started without -Q (one machine, `make run`) serves them all.
CELERY_TASK_QUEUES = {name: {"exchange": name, "routing_key": name} for name in JOB_QUEUES}
CELERY_TASK_ANNOTATIONS = ["dlcurriculum.celery_app.LimitsByQueue"]

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
ACCOUNT_ADAPTER = "dlcurriculum.users.adapter.AccountAdapter"
# allauth's messages and e-mails name people as every page does (never by their e-mail address).
ACCOUNT_USER_DISPLAY = "dlcurriculum.users.names.user_display"
ACCOUNT_FORMS = {"reset_password": "dlcurriculum.users.forms.ResetPasswordForm"}
# Rate limits count per client address. Behind reverse proxies that each append the address
# they saw to X-Forwarded-For, set how many there are: the client is that many entries from
# the right (the entries further left are whatever the client sent). 0: the header is ignored
# and the peer address counts, as anyone can send the header. Or name a header that the one
# trusted proxy sets to the client's address (X-Real-IP, CF-Connecting-IP); it wins when set.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("ALLAUTH_TRUSTED_PROXY_COUNT must be 0 (no proxy) or the number of proxies in front.")
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", default="") or None
ACCOUNT_RATE_LIMITS = {
    "login": env("RATE_LIMIT_LOGIN", default="30/m/ip"),
    "login_failed": env("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "signup": env("RATE_LIMIT_SIGNUP", default="20/m/ip"),
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    # Codes by e-mail (below): 3 a minute per address, so a stranger cannot flood the inbox.
    "request_login_code": env("RATE_LIMIT_LOGIN_CODE", default="20/m/ip,3/m/key"),
}
# The way in that a lockout never closes: five wrong passwords pause password sign-in for the
# address ("login_failed" above, which anyone who knows the address can trigger, again and again),
# but the owner signs in with a one-time code e-mailed to them (allauth's login by code: no password,
# not counted by "login_failed"), on /accounts/login/ and for the admin too (same session). A
# password reset also lifts the pause (allauth clears it).
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
# Repeated failed sign-ins on a staff account are e-mailed to that person and every other active
# admin, once per burst: at SIGNIN_ALERT_FAILURES failures within SIGNIN_ALERT_WINDOW_SECONDS, then
# not again for that account until SIGNIN_ALERT_QUIET_SECONDS after the alert.
SIGNIN_ALERT_FAILURES = env.int("SIGNIN_ALERT_FAILURES", default=5)
SIGNIN_ALERT_WINDOW_SECONDS = env.int("SIGNIN_ALERT_WINDOW_SECONDS", default=900)
SIGNIN_ALERT_QUIET_SECONDS = env.int("SIGNIN_ALERT_QUIET_SECONDS", default=3600)

# --- E-mail -------------------------------------------------------------------
EMAIL_URL = env("EMAIL_URL", default="consolemail://")
vars().update(env.email_url_config(EMAIL_URL))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="dlcurriculum <noreply@dlcurriculum.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The outbox (dlcurriculum/mail/outbox.py): failed attempts are retried after 15 s, 30 s, then every
# EMAIL_RETRY_MAX_SECONDS, and due ones are swept every EMAIL_OUTBOX_SWEEP_SECONDS: after an SMTP or
# broker outage, e-mails go out within two minutes. Transient failures for this long end as failed.
EMAIL_RETRY_BASE_SECONDS = env.int("EMAIL_RETRY_BASE_SECONDS", default=15)
EMAIL_RETRY_MAX_SECONDS = env.int("EMAIL_RETRY_MAX_SECONDS", default=60)
EMAIL_GIVE_UP_AFTER_HOURS = env.int("EMAIL_GIVE_UP_AFTER_HOURS", default=72)
EMAIL_OUTBOX_SWEEP_SECONDS = env.int("EMAIL_OUTBOX_SWEEP_SECONDS", default=30)
EMAIL_OUTBOX_BATCH_SIZE = env.int("EMAIL_OUTBOX_BATCH_SIZE", default=200)
# A sweep sends at most a batch; each message is bounded by EMAIL_TIMEOUT per server reply.
EMAIL_OUTBOX_SWEEP_LIMIT_SECONDS = env.int("EMAIL_OUTBOX_SWEEP_LIMIT_SECONDS", default=600)
# An attempt that died (worker killed) holds its message this long before another may send it.
EMAIL_LEASE_SECONDS = env.int("EMAIL_LEASE_SECONDS", default=EMAIL_TIMEOUT * 3 + 30)
CELERY_BEAT_SCHEDULE["mail-deliver-due"] = {
    "task": "mail.deliver_due",
    "schedule": float(EMAIL_OUTBOX_SWEEP_SECONDS),
    # A sweep that waited in the queue behind an outage is useless once the next one is due.
    "options": {"expires": float(EMAIL_OUTBOX_SWEEP_SECONDS)},
}
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
# Shared file storage: with S3_BUCKET set, uploaded notebooks live in an S3-compatible store
# (AWS S3, MinIO, ...) that web servers and workers on every machine share; otherwise on
# the local disk under MEDIA_ROOT. Objects are private: a notebook leaves only through the
# app's permission-checked download view, streamed from the store; if anything ever asks
# for a URL, it is a signed one that expires within minutes.
S3_BUCKET = env("S3_BUCKET", default="")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "access_key": env("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            "region_name": env("S3_REGION", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env.int("S3_SIGNED_URL_SECONDS", default=300),
            "file_overwrite": False,
            # MinIO and other self-hosted stores are addressed by path, not by bucket subdomain.
            "addressing_style": env("S3_ADDRESSING_STYLE", default="path"),
            "signature_version": "s3v4",
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
# A post refused for its token (signed in or out in another tab) explains and shows the text back.
CSRF_FAILURE_VIEW = "dlcurriculum.drafts.csrf_failure"
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

# --- Accounts: second factor, sessions, sign-in with GitHub (issue 34) -----------------------
# One block on purpose: allauth.mfa, allauth.usersessions and allauth.socialaccount, their apps,
# middleware and settings (dlcurriculum/users/second_factor.py, sessions.py, social.py say why).
INSTALLED_APPS += [
    "django.contrib.humanize",  # allauth.mfa's list of security keys says "2 days ago"
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
]
# Mentors read every learner's notebooks and admins edit the curriculum: without a second factor
# they are sent to set one up before any other page opens (after AccountMiddleware: allauth's flows).
MIDDLEWARE.insert(
    MIDDLEWARE.index("allauth.account.middleware.AccountMiddleware") + 1,
    "dlcurriculum.users.second_factor.SecondFactorRequiredMiddleware",
)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="dlcurriculum")
# Each recovery code signs in once (allauth strikes it off); ten, shown again on the codes page.
MFA_RECOVERY_CODE_COUNT = 10
# Security keys and passkeys as a second factor; WebAuthn needs https except on localhost in local mode.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_PASSKEY_LOGIN_ENABLED = False
# Wrong second-factor codes count as failed sign-ins (allauth's "login_failed" limit above, per
# client address and per account), so the limits of the password apply to the code too.
# Sessions are listed from allauth's record of each sign-in (no write per request: TRACK_ACTIVITY off).
USERSESSIONS_TRACK_ACTIVITY = False
# Sign in with GitHub: on only when both are set (a GitHub OAuth app's id and secret; its callback
# URL is SITE_URL + /accounts/github/login/callback/). GITHUB_URL points at GitHub Enterprise.
GITHUB_CLIENT_ID = env("GITHUB_CLIENT_ID", default="")
GITHUB_CLIENT_SECRET = env("GITHUB_CLIENT_SECRET", default="")
GITHUB_SIGN_IN_ENABLED = bool(GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET)
GITHUB_WEB_URL = env("GITHUB_URL", default="https://github.com").rstrip("/")
SOCIALACCOUNT_PROVIDERS = {
    "github": {
        "APPS": (
            [{"client_id": GITHUB_CLIENT_ID, "secret": GITHUB_CLIENT_SECRET, "key": ""}]
            if GITHUB_SIGN_IN_ENABLED
            else []
        ),
        # The addresses GitHub has verified come with their flag; only those may link (users/social.py).
        "SCOPE": ["read:user", "user:email"],
        **({"GITHUB_URL": GITHUB_WEB_URL} if env("GITHUB_URL", default="") else {}),
    }
}
# The sign-in form posts here and is redirected on to GitHub: the browser checks that redirect
# against the policy's form-action.
if GITHUB_SIGN_IN_ENABLED:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(GITHUB_WEB_URL)
SOCIALACCOUNT_ADAPTER = "dlcurriculum.users.social.SocialAccountAdapter"
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
# A GitHub address that GitHub verified is taken as verified here; any other is sent a confirmation.
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Signing in with GitHub whose verified address is an account's verified address signs into that
# account (and links GitHub to it); an unverified address never does (adapter double-checks).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
# --- end of issue 34's block ---------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# --- Capstones: submissions, automatic checks, mentor review --------------------
CAPSTONE_MAX_NOTEBOOK_BYTES = env.int("CAPSTONE_MAX_NOTEBOOK_BYTES", default=20 * 1024 * 1024)
# The largest file any upload may carry, enforced while the body streams (dlcurriculum.uploads).
FILE_UPLOAD_MAX_BYTES = CAPSTONE_MAX_NOTEBOOK_BYTES
FILE_UPLOAD_HANDLERS = [
    "dlcurriculum.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Outputs longer than this (characters) are cut short in the rendering, with a note.
CAPSTONE_MAX_OUTPUT_CHARS = env.int("CAPSTONE_MAX_OUTPUT_CHARS", default=50_000)
# A mentor's claim with no activity for this many days returns the submission to the queue.
CAPSTONE_CLAIM_IDLE_DAYS = env.int("CAPSTONE_CLAIM_IDLE_DAYS", default=3)
# A decision e-mail still not sent this long after the decision is enqueued again by the sweep.
CAPSTONE_SWEEP_AFTER_MINUTES = env.int("CAPSTONE_SWEEP_AFTER_MINUTES", default=10)
# Notebook check and rendering jobs: soft and hard time limits (seconds). A limit hit is stored as
# "too large to check automatically: a mentor will look", never retried.
CAPSTONE_JOB_SOFT_TIME_LIMIT = env.int("CAPSTONE_JOB_SOFT_TIME_LIMIT", default=45)
CAPSTONE_JOB_TIME_LIMIT = env.int("CAPSTONE_JOB_TIME_LIMIT", default=60)
# The notebooks queue gives its tasks these limits (JOB_QUEUES annotates every task with its queue's).
JOB_QUEUES["notebooks"].update(soft_time_limit=CAPSTONE_JOB_SOFT_TIME_LIMIT, time_limit=CAPSTONE_JOB_TIME_LIMIT)
# A started job's lease outlives its hard limit by this much (dlcurriculum.leases); a job whose
# lease expired, or never started this long after it was enqueued, is enqueued again by the sweep.
CAPSTONE_JOB_LEASE_MARGIN = env.int("CAPSTONE_JOB_LEASE_MARGIN", default=15)
CAPSTONE_JOB_GRACE_SECONDS = env.int("CAPSTONE_JOB_GRACE_SECONDS", default=60)
# A job started this many times without a result (killed at a limit each time) is stored as too large.
CAPSTONE_JOB_MAX_ATTEMPTS = 2
CAPSTONE_SWEEP_BATCH = 500
# Every 30 s: lost work is picked up within two minutes of the broker or a worker coming back.
CELERY_BEAT_SCHEDULE["capstones-sweep"] = {"task": "capstones.tasks.sweep", "schedule": 30.0}
# A worker child that grew past this (KiB) is replaced after its task: one huge notebook cannot
# keep a worker's memory high for everything after it.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=1_000_000)
# A resubmission goes back to the mentor who asked for the changes; untouched this many days, to the queue.
CAPSTONE_RESUBMISSION_LEASE_DAYS = env.int("CAPSTONE_RESUBMISSION_LEASE_DAYS", default=3)
# Messages, resubmissions and decisions are e-mailed this long after the last of a burst, all in one
# e-mail (shorter in local mode, where a person tries the conversation out and waits for the console)...
CAPSTONE_NOTIFY_DELAY_SECONDS = env.int("CAPSTONE_NOTIFY_DELAY_SECONDS", default=120 if REDIS_URL else 30)
# ...but never later than this after the first, however long the burst goes on.
CAPSTONE_NOTIFY_MAX_WAIT_SECONDS = env.int("CAPSTONE_NOTIFY_MAX_WAIT_SECONDS", default=900)
# A mentor is nudged once about a claim idle this many days (before it expires at CAPSTONE_CLAIM_IDLE_DAYS).
CAPSTONE_CLAIM_NUDGE_DAYS = env.int("CAPSTONE_CLAIM_NUDGE_DAYS", default=2)
# Messages (comments) a person may send within CAPSTONE_MESSAGE_WINDOW_SECONDS, over all their
# submissions, and messages one submission's conversation takes from everyone in that window: a
# flood is refused with a message (the text stays in the form), before it costs notifications.
CAPSTONE_MESSAGES_PER_USER = env.int("CAPSTONE_MESSAGES_PER_USER", default=20)
CAPSTONE_MESSAGES_PER_SUBMISSION = env.int("CAPSTONE_MESSAGES_PER_SUBMISSION", default=40)
CAPSTONE_MESSAGE_WINDOW_SECONDS = env.int("CAPSTONE_MESSAGE_WINDOW_SECONDS", default=600)
# One activity e-mail shows at most this many updates and this many bytes of message text, then
# links to the rest on the site (every update stays in the inbox).
CAPSTONE_DIGEST_MAX_ITEMS = env.int("CAPSTONE_DIGEST_MAX_ITEMS", default=20)
CAPSTONE_DIGEST_MAX_BYTES = env.int("CAPSTONE_DIGEST_MAX_BYTES", default=50_000)
# A submission's conversation shows this many messages a page, the latest first page.
CAPSTONE_CONVERSATION_PAGE_SIZE = env.int("CAPSTONE_CONVERSATION_PAGE_SIZE", default=50)
# A handle a learner gives up stays theirs this long: nobody else may take it (or a look-alike), and
# links with it lead to the learner's new handle.
CAPSTONE_HANDLE_HOLD_DAYS = env.int("CAPSTONE_HANDLE_HOLD_DAYS", default=180)
# Batches whose burst is over are also looked for this often: the countdown task of each
# notification is lost when the broker was down at enqueue time (and, in local mode, always).
CAPSTONE_NOTIFY_SWEEP_SECONDS = env.int("CAPSTONE_NOTIFY_SWEEP_SECONDS", default=60)
CELERY_BEAT_SCHEDULE["capstones-notifications-due"] = {
    "task": "capstones.tasks.send_due_notifications",
    "schedule": float(CAPSTONE_NOTIFY_SWEEP_SECONDS),
    "options": {"expires": float(CAPSTONE_NOTIFY_SWEEP_SECONDS)},
}
# Local mode has no beat: the development server runs these in a thread (dlcurriculum.local_beat)
# every LOCAL_BEAT_SECONDS (0: never). Ignored when REDIS_URL is set.
LOCAL_BEAT_SECONDS = env.int("LOCAL_BEAT_SECONDS", default=10)
LOCAL_BEAT_TASKS = ["capstones.tasks.send_due_notifications", "mail.deliver_due"]
CELERY_BEAT_SCHEDULE["capstones-mentor-nudges"] = {
    "task": "capstones.tasks.nudge_mentors",
    "schedule": crontab(minute=0),
}

# --- Link health (issue 5): scheduled checks of every resource URL ------------------
# When the beat job runs, as a crontab "minute hour day-of-month month day-of-week" (UTC).
LINKCHECK_SCHEDULE = env("LINKCHECK_SCHEDULE", default="30 3 * * *")
# Politeness and timeouts: unset means the checker's own defaults (stages.linkcheck.CheckerConfig),
# the same ones `python -m stages.linkcheck` uses; flags of `manage.py check_links` override both.
LINKCHECK_CONCURRENCY = env.int("LINKCHECK_CONCURRENCY", default=None)
LINKCHECK_PER_HOST_CONCURRENCY = env.int("LINKCHECK_PER_HOST_CONCURRENCY", default=None)
LINKCHECK_PER_HOST_INTERVAL = env.float("LINKCHECK_PER_HOST_INTERVAL", default=None)
LINKCHECK_CONNECT_TIMEOUT = env.float("LINKCHECK_CONNECT_TIMEOUT", default=None)
LINKCHECK_READ_TIMEOUT = env.float("LINKCHECK_READ_TIMEOUT", default=None)
LINKCHECK_TOTAL_TIMEOUT = env.float("LINKCHECK_TOTAL_TIMEOUT", default=None)
LINKCHECK_MAX_REDIRECTS = env.int("LINKCHECK_MAX_REDIRECTS", default=None)
LINKCHECK_RETRY_AFTER_CAP = env.float("LINKCHECK_RETRY_AFTER_CAP", default=None)
LINKCHECK_USER_AGENT = env(
    "LINKCHECK_USER_AGENT", default=f"dlcurriculum-linkcheck/1.0 (+{SITE_URL}; checks the curriculum's links daily)"
)
# Broken or timed-out checks in a row before learners see "this link may be broken".
LINKCHECK_FAILURES_BEFORE_FLAG = env.int("LINKCHECK_FAILURES_BEFORE_FLAG", default=2)
# Private, loopback and link-local hosts are refused in production (the checker must not
# probe the internal network); local mode allows them for tests and benchmarks.
LINKCHECK_ALLOW_PRIVATE_ADDRESSES = env.bool("LINKCHECK_ALLOW_PRIVATE_ADDRESSES", default=DEBUG)
# Links per batch: a run of more is shared out to the link-check workers (all of a host's links in one batch).
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

# --- Reminders and notification e-mails (issue 6) ------------------------------
# Learners handled per batch: a constant number of queries and one SMTP connection each.
REMINDER_BATCH_SIZE = env.int("REMINDER_BATCH_SIZE", default=500)
# Accounts per task: a pass over more is shared out in id ranges to the e-mail workers.
REMINDER_TASK_LEARNERS = env.int("REMINDER_TASK_LEARNERS", default=2000)
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

# --- Housekeeping: retention of what grows with time (dlcurriculum/retention.py) -------
# Each app registers what of its data expires; one daily job deletes it in batches of
# HOUSEKEEPING_BATCH_SIZE rows (one short transaction each) within HOUSEKEEPING_TIME_LIMIT_SECONDS
# (below the housekeeping queue's soft limit); a backlog is worked off over the following nights.
# Kept: link checks LINKCHECK_HISTORY_DAYS, sent-mail records SENT_EMAIL_RETENTION_DAYS (above);
# read notifications and settled reminders as below; sessions until they expire (SESSION_COOKIE_AGE).
NOTIFICATION_RETENTION_DAYS = env.int("NOTIFICATION_RETENTION_DAYS", default=180)
REMINDER_RETENTION_DAYS = env.int("REMINDER_RETENTION_DAYS", default=400)
HOUSEKEEPING_BATCH_SIZE = env.int("HOUSEKEEPING_BATCH_SIZE", default=1000)
HOUSEKEEPING_TIME_LIMIT_SECONDS = env.int("HOUSEKEEPING_TIME_LIMIT_SECONDS", default=480)
CELERY_IMPORTS = ["dlcurriculum.retention"]
CELERY_BEAT_SCHEDULE["housekeeping-prune-expired"] = {
    "task": "housekeeping.prune_expired",
    "schedule": crontab(minute=15, hour=4),
}

# --- Health checks (issue 7) -----------------------------------------------------
# /healthz and /readyz answer whatever the Host header says: probes use the container's address.
MIDDLEWARE.insert(0, "dlcurriculum.health.HealthCheckMiddleware")
# Outermost, so readiness checks and every page share the request deadline.
MIDDLEWARE.insert(0, "dlcurriculum.timeouts.RequestDeadlineMiddleware")
