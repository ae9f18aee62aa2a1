"""What production needs before it may start (no Django imports: settings use it).

Local mode (DEBUG on) falls back to SQLite, an in-process broker, console e-mail
and a 127.0.0.1 site URL. In production each of those fallbacks is a silent
failure (reminders never reach a worker, mail is "sent" to a log, links in
e-mails point nowhere), so with DEBUG off the app refuses to start until every
one is configured, and says which are missing all at once.
"""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# e-mail backends that deliver nothing (django-environ's schemes).
LOCAL_EMAIL_SCHEMES = {"consolemail", "filemail", "memorymail", "dummymail"}
REDIS_SCHEMES = {"redis", "rediss", "unix"}
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


class IncompleteConfiguration(ImproperlyConfigured):
    """Raised by the settings when DEBUG is off and required variables are missing."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            "dlcurriculum will not start: DEBUG is off (production) but the configuration is incomplete.\n"
            f"{lines}\n"
            "Set these in the environment (README, section Production), or leave DEBUG unset for local mode."
        )


def production_problems(
    *,
    secret_key: str,
    allowed_hosts: list[str],
    database_url: str,
    redis_url: str,
    email_url: str,
    site_url: str,
) -> list[str]:
    """Every missing or local-only production setting, one sentence each (empty when all is well)."""
    problems = [
        _secret_key(secret_key),
        _allowed_hosts(allowed_hosts),
        _database_url(database_url),
        _redis_url(redis_url),
        _email_url(email_url),
        _site_url(site_url),
    ]
    return [problem for problem in problems if problem]


def _secret_key(value: str) -> str | None:
    if len(value) < 50:
        return "SECRET_KEY: at least 50 random characters are required."
    return None


def _allowed_hosts(hosts: list[str]) -> str | None:
    if not [host for host in hosts if host.strip()]:
        return "ALLOWED_HOSTS: the site's host name(s), comma-separated, e.g. dlcurriculum.example.org."
    return None


def _database_url(url: str) -> str | None:
    if not url:
        return (
            "DATABASE_URL is not set (e.g. postgres://user:password@host:5432/dlcurriculum); "
            "local mode would use an SQLite file."
        )
    if urlsplit(url).scheme.startswith("sqlite"):
        return "DATABASE_URL points to SQLite, which is for local mode only; use PostgreSQL."
    return None


def _redis_url(url: str) -> str | None:
    if not url:
        return (
            "REDIS_URL is not set (e.g. redis://host:6379/0); without it scheduled reminders, "
            "link checks and notebook analysis never reach a Celery worker."
        )
    if urlsplit(url).scheme not in REDIS_SCHEMES:
        return f"REDIS_URL must be a redis://, rediss:// or unix:// address, not {_scheme(url)}."
    return None


def _email_url(url: str) -> str | None:
    if not url:
        return (
            "EMAIL_URL is not set (e.g. smtp://user:password@host:587/?tls=True); "
            "local mode prints e-mail to the console instead of sending it."
        )
    if urlsplit(url).scheme in LOCAL_EMAIL_SCHEMES:
        return f"EMAIL_URL is {_scheme(url)}, which delivers nothing; use an smtp:// or smtps:// server."
    return None


def _site_url(url: str) -> str | None:
    if not url:
        return "SITE_URL is not set: the https:// address of the site, used in links in e-mails."
    parts = urlsplit(url)
    # A production-like stack on a laptop (docker compose) is reachable over plain http only
    # from that machine; any other address must be https, or links in e-mails travel in clear.
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return None
    return f"SITE_URL must be an https:// address (got {url!r})."


def _scheme(url: str) -> str:
    return f"{urlsplit(url).scheme or url}://"


def exit_if_incomplete(error: BaseException) -> None:
    """For entry points (manage.py, wsgi, celery): print the message, not a traceback, and stop."""
    if isinstance(error, IncompleteConfiguration):
        sys.stderr.write(f"{error}\n")
        raise SystemExit(4) from None
