"""Reading an answer: rate limits, login walls, bot challenges and permanent redirects."""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from urllib.parse import urlsplit

from .results import Status

RATE_LIMITED = 429
UNVERIFIABLE_STATUSES = frozenset({401, 403, 407, 429, 999})
_PERMANENT_REDIRECTS = frozenset({301, 308})
_LOGIN_PATH = re.compile(
    r"(^|/)(login|log-in|signin|sign-in|sign_in|logon|auth|authenticate|sso|consent|servicelogin|session/new)(/|$|\.|\?)",
    re.IGNORECASE,
)
WHITESPACE = re.compile(r"\s")
_LOGIN_HOST = re.compile(r"^(consent|login|signin|accounts|auth|sso)\.", re.IGNORECASE)
_CHALLENGE_MARKERS = (b"challenge-platform", b"cf-chl", b"<title>just a moment", b"attention required! | cloudflare")


@dataclass
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes


class Verdict(Exception):  # noqa: N818 - not an error: it carries a finished result out of nested checks
    """Ends a URL's check early with a result."""

    def __init__(self, status: Status, detail: str, http_status: int | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.http_status = http_status


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def looks_like_login(url: str) -> bool:
    parts = urlsplit(url)
    return bool(_LOGIN_HOST.match(parts.hostname or "") or _LOGIN_PATH.search(parts.path or ""))


def is_challenge(answer: Answer) -> bool:
    if answer.headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    if answer.status in (403, 429, 503):
        body = answer.body[:4096].lower()
        return any(marker in body for marker in _CHALLENGE_MARKERS)
    return False


def suggestion(hops: list[tuple[str, int, str]]) -> str | None:
    """The URL reached by the leading run of permanent redirects, if any."""
    suggested = None
    for _source, status, target in hops:
        if status not in _PERMANENT_REDIRECTS:
            break
        suggested = target
    return suggested
