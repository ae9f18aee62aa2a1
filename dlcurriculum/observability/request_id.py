"""One id per web request, on every log line it causes: its own, its jobs' and its e-mails'.

The id comes from the request's X-Request-ID header when a proxy set a sane one (so the proxy's logs and
ours join up), else a new one; the response carries it back. Jobs enqueued while it is set carry it in a
message header (jobs.py), and an e-mail keeps it in its outbox record (dlcurriculum/mail/outbox.py), so the
log lines of its delivery, even by a later sweep, name the request that caused it.
"""

from __future__ import annotations

import contextvars
import re
import uuid
from contextlib import contextmanager

HEADER = "X-Request-ID"
# A client may send anything: only a short token of safe characters is taken over.
_ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def current() -> str | None:
    return _current.get()


def new() -> str:
    return uuid.uuid4().hex


def accepted(value: str | None) -> str | None:
    return value if value and _ACCEPTED.match(value) else None


@contextmanager
def bound(value: str | None):
    """Log lines within carry ``value`` (None: no request id, e.g. a job beat started)."""
    token = _current.set(value)
    try:
        yield value
    finally:
        _current.reset(token)


def bind(value: str | None) -> contextvars.Token:
    return _current.set(value)


def unbind(token: contextvars.Token) -> None:
    _current.reset(token)


class RequestIdMiddleware:
    """Outermost: every later middleware's and the view's log lines carry the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        value = accepted(request.headers.get(HEADER)) or new()
        request.request_id = value
        with bound(value):
            _tag_error_reports(value)
            response = self.get_response(request)
        response[HEADER] = value
        return response


def _tag_error_reports(value: str) -> None:
    import sentry_sdk

    sentry_sdk.get_isolation_scope().set_tag("request_id", value)
