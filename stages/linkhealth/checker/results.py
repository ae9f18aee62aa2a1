"""What a check is asked and what it finds: the statuses, the politeness settings, one result per URL."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime


class Status(enum.StrEnum):
    OK = "ok"
    REDIRECTED = "redirected"
    BROKEN = "broken"
    UNVERIFIABLE = "unverifiable"
    TIMEOUT = "timeout"
    SERVER_ERROR = "server_error"
    INVALID = "invalid"


@dataclass(frozen=True)
class CheckerConfig:
    """How to check. The defaults are the polite ones for checking other people's sites
    (the nightly job, ``manage.py check_links``, ``python -m stages.linkhealth.checker``); settings
    (``LINKCHECK_*``) and command-line flags override them."""

    concurrency: int = 32
    per_host_concurrency: int = 2
    # Seconds between the starts of two requests to the same host (0: none).
    per_host_interval: float = 0.5
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    # Bound for one HTTP request, from asking for a connection to the last byte read.
    total_timeout: float = 30.0
    max_redirects: int = 5
    # A 429/503 asking to come back later is honoured up to this many seconds, then unverifiable.
    retry_after_cap: float = 30.0
    max_retries: int = 2
    max_body_bytes: int = 8192
    # GET (capped at max_body_bytes) answers in one round trip whatever the outcome, as a
    # browser sees it; HEAD first saves a big page's first bytes but costs a second request
    # for every failure, since many servers answer HEAD differently from GET.
    head_first: bool = False
    user_agent: str = "dlcurriculum-linkcheck/1.0 (the dlcurriculum app's link checker)"
    # Off in production so a link cannot point the checker at the internal network.
    allow_private_addresses: bool = False


@dataclass(frozen=True)
class LinkResult:
    url: str
    status: Status
    http_status: int | None = None
    final_url: str | None = None
    # Where a permanent (301/308) redirect says the resource now lives.
    suggested_url: str | None = None
    redirects: int = 0
    detail: str = ""
    elapsed: float = 0.0
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def is_failure(self) -> bool:
        """Counts towards the consecutive failures that flag a link as broken."""
        return self.status in (Status.BROKEN, Status.TIMEOUT)

    def as_dict(self) -> dict:
        # Built by hand: every field is a plain value, and dataclasses.asdict's deep copy costs
        # more than the rest of printing a result (2,000 of them are printed in one go).
        return {
            "url": self.url,
            "status": str(self.status),
            "http_status": self.http_status,
            "final_url": self.final_url,
            "suggested_url": self.suggested_url,
            "redirects": self.redirects,
            "detail": self.detail,
            "elapsed": round(self.elapsed, 4),
            "checked_at": self.checked_at.isoformat(),
        }
