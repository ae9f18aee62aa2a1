"""Django itself: the site, apps, middleware, templates, database, cache, i18n and security."""

from dlcurriculum.config import IncompleteConfiguration, production_problems

from .env import BASE_DIR, DEBUG, env

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

# Where "absolute" links in e-mails sent outside a request (reminders, reports) point. Locally
# localhost, not 127.0.0.1: browsers refuse security keys and passkeys (WebAuthn) on an IP address.
SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")
SITE_NAME = env("SITE_NAME", default="dlcurriculum")

# Demo accounts (and their printed passwords) exist only in local mode.
DEMO_ACCOUNTS_ALLOWED = DEBUG

INSTALLED_APPS = [
    # django.contrib.admin, signing in through allauth's sign-in (dlcurriculum.users.admin_site).
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
    # Two-factor sign-in, the list of a person's sessions, sign in with GitHub (settings in auth.py).
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "django.contrib.humanize",  # allauth.mfa's list of security keys says "2 days ago"
    "adminsortable2",
    "reversion",
    "dlcurriculum.users",
    "dlcurriculum.mail",
    # No models: its `manage.py backup` and `restore` (dlcurriculum/backups/archive.py).
    "dlcurriculum.backups",
    # Study groups: below the curriculum, above the users.
    "dlcurriculum.groups",
    "stages",
    "progress",
    "capstones",
]

MIDDLEWARE = [
    # Outermost: every later log line carries the request's id (dlcurriculum/observability/request_id.py).
    "dlcurriculum.observability.request_id.RequestIdMiddleware",
    # Counts and times every answer by its route name, every middleware's queries included.
    "dlcurriculum.observability.web.RequestMetricsMiddleware",
    # Readiness checks and every page share the request deadline.
    "dlcurriculum.timeouts.RequestDeadlineMiddleware",
    # /healthz and /readyz answer whatever the Host header says: probes use the container's address.
    "dlcurriculum.health.HealthCheckMiddleware",
    # /metrics too (Prometheus scrapes each container by its address), for the bearer token only.
    "dlcurriculum.observability.web.MetricsEndpointMiddleware",
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
    # Mentors and admins without a second factor are sent to set one up before any other page
    # opens (after AccountMiddleware: allauth's flows; dlcurriculum/users/second_factor.py).
    "dlcurriculum.users.second_factor.SecondFactorRequiredMiddleware",
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
def _server_database(config: dict) -> dict:
    """A database server's connection settings; SQLite (a file, no connection to lose) is left as it is."""
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return config
    return {
        **config,
        # Reuse connections between requests, and check them first so a connection the
        # server dropped is replaced instead of failing a request.
        "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
        # A PostgreSQL that does not answer must cost a request seconds, not a worker: connecting is
        # bounded here, a long query by the server, and a connection that stops answering by the
        # request deadline (dlcurriculum/timeouts.py). Workers may allow longer statements.
        "OPTIONS": {
            **config.get("OPTIONS", {}),
            "connect_timeout": env.int("DB_CONNECT_TIMEOUT", default=3),
            # Off in local mode (debugging, benchmarks seeding large data); migrations in production set 0.
            "options": f"-c statement_timeout={env.int('DB_STATEMENT_TIMEOUT_MS', default=0 if DEBUG else 10_000)}",
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        },
    }


DATABASES = {"default": _server_database(env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
# Every request has this long (seconds; 0: no deadline). Below gunicorn's --timeout (gunicorn.conf.py).
# Off in local mode: a breakpoint, or a test's shared connection, must not be cut.
REQUEST_TIMEOUT = env.float("REQUEST_TIMEOUT", default=0.0 if DEBUG else 15.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# SQLite cannot defer unique constraints; PostgreSQL (production, CI) enforces
# them, and forms validate the same rules on SQLite.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    SILENCED_SYSTEM_CHECKS = ["models.W038"]

# --- Redis: cache (and the Celery broker, dlcurriculum/settings/jobs.py) ---------
REDIS_URL = env("REDIS_URL", default="")

CACHES = (
    {
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
    if REDIS_URL
    else {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "sessions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sessions"},
    }
)
SESSION_CACHE_ALIAS = "sessions"

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
# Sign in with GitHub: on only when both are set (a GitHub OAuth app's id and secret; its callback
# URL is SITE_URL + /accounts/github/login/callback/); GITHUB_URL names a GitHub Enterprise server.
# Here because the policy below allows it; the rest of its settings are in auth.py.
GITHUB_CLIENT_ID = env("GITHUB_CLIENT_ID", default="")
GITHUB_CLIENT_SECRET = env("GITHUB_CLIENT_SECRET", default="")
GITHUB_SIGN_IN_ENABLED = bool(GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET)
GITHUB_WEB_URL = env("GITHUB_URL", default="https://github.com").rstrip("/")
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
        # The sign-in with GitHub form posts here and is redirected on to GitHub: the browser checks
        # that redirect against form-action too.
        "form-action": ["'self'", *([GITHUB_WEB_URL] if GITHUB_SIGN_IN_ENABLED else [])],
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
