"""Error reports to Sentry (or any Sentry-compatible collector) when SENTRY_DSN is set, without learners' data.

What never leaves: notebooks (uploaded files, their cells and outputs), notes and messages learners write, and
e-mail addresses. The SDK is told not to send request bodies, local variables or personal data at all, and
every event and breadcrumb is scrubbed before it is sent: values under keys that name such data are replaced,
and anything that looks like an e-mail address in any remaining string (an exception's message, a log line)
is masked. A request's id is a tag on its events (request_id.py), to find its log lines.
"""

from __future__ import annotations

import re
from typing import Any

FILTERED = "[Filtered]"
EMAIL_MASK = "[email]"
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# A key containing any of these holds learners' writing, a notebook or an address.
_SENSITIVE_KEY_PARTS = (
    "notebook",
    "note",
    "cells",
    "body",
    "message_text",
    "comment",
    "email",
    "e_mail",
    "address",
    "recipient",
    "password",
    "cookie",
    "session",
    "token",
    "secret",
    "authorization",
)
_SENSITIVE_KEYS = {"to", "cc", "bcc", "reply_to", "data", "text", "source", "outputs"}
# Sentry's own structure: these keys are kept as they are (their values are still scrubbed).
_STRUCTURE_KEYS = {"message", "formatted", "value", "type", "module", "function", "filename", "abs_path"}


def _sensitive(key: str) -> bool:
    lowered = key.lower()
    if lowered in _STRUCTURE_KEYS:
        return False
    return lowered in _SENSITIVE_KEYS or any(part in lowered for part in _SENSITIVE_KEY_PARTS)


def scrub(value: Any) -> Any:
    """A copy of ``value`` with sensitive keys' values replaced and e-mail addresses masked in every string."""
    if isinstance(value, dict):
        return {k: FILTERED if isinstance(k, str) and _sensitive(k) else scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(item) for item in value]
    if isinstance(value, str):
        return _EMAIL.sub(EMAIL_MASK, value)
    return value


def before_send(event: dict, hint: dict) -> dict:
    return scrub(event)


def before_breadcrumb(crumb: dict, hint: dict) -> dict:
    return scrub(crumb)


def init_error_reports(dsn: str, *, environment: str, release: str | None = None, traces_sample_rate: float = 0.0):
    """Start reporting errors of the web, the workers and beat to ``dsn`` (settings call this once)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # Personal data (users, cookies, IP addresses) stays off: the SDK's default.
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,
        before_send=before_send,
        before_breadcrumb=before_breadcrumb,
    )
