"""Link health writes: run the checker over resources, record results, flag and tell admins.

The checking itself is ``stages.linkhealth.checker`` (no Django); this module turns its
results into rows. Two runs may overlap (beat plus an admin's "check now", or
a redelivered task): a run only records a result for a resource whose status
nobody updated since the run started, under a row lock, so no history row is
duplicated and no counter update is lost.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dlcurriculum.mail.services import send_templated
from stages.models import LinkCheck, LinkState, LinkStatus, Resource

from . import checker as linkcheck
from .selectors import previous_checks

logger = logging.getLogger(__name__)

_UPDATED_FIELDS = [
    "url",
    "status",
    "http_status",
    "detail",
    "last_checked",
    "consecutive_failures",
    "suggested_url",
    "flagged",
    "flagged_at",
    "admins_notified_at",
    "elapsed_seconds",
    "etag",
    "last_modified",
    "not_modified",
]


def checker_config(**overrides) -> linkcheck.CheckerConfig:
    """The checker's defaults, with the ``LINKCHECK_*`` settings that are set, then ``overrides``, on top."""
    values = {
        "concurrency": settings.LINKCHECK_CONCURRENCY,
        "per_host_concurrency": settings.LINKCHECK_PER_HOST_CONCURRENCY,
        "per_host_interval": settings.LINKCHECK_PER_HOST_INTERVAL,
        "connect_timeout": settings.LINKCHECK_CONNECT_TIMEOUT,
        "read_timeout": settings.LINKCHECK_READ_TIMEOUT,
        "total_timeout": settings.LINKCHECK_TOTAL_TIMEOUT,
        "max_redirects": settings.LINKCHECK_MAX_REDIRECTS,
        "retry_after_cap": settings.LINKCHECK_RETRY_AFTER_CAP,
        "user_agent": settings.LINKCHECK_USER_AGENT,
        "allow_private_addresses": settings.LINKCHECK_ALLOW_PRIVATE_ADDRESSES,
    }
    values.update(overrides)
    return linkcheck.CheckerConfig(**{k: v for k, v in values.items() if v is not None})


@dataclass
class RunSummary:
    checked: int = 0
    counts: Counter = field(default_factory=Counter)
    newly_flagged: list[int] = field(default_factory=list)
    # Results not recorded: another run updated the resource meanwhile, or its URL changed.
    skipped: int = 0
    notified: int = 0
    # OK because the server answered 304 to a conditional request (unchanged since the last run).
    not_modified: int = 0


def _clip(value: str | None, length: int) -> str:
    value = value or ""
    return value if len(value) <= length else value[: length - 1] + "…"


def _fits(url: str | None, length: int = 1000) -> str:
    return url if url and len(url) <= length else ""


def record_results(
    run_started: datetime,
    checked: Sequence[tuple[int, str, linkcheck.LinkResult]],
    *,
    failures_to_flag: int | None = None,
    summary: RunSummary | None = None,
) -> RunSummary:
    """Record one batch of (resource id, checked URL, result) in one transaction and a constant number of queries."""
    failures_to_flag = failures_to_flag or settings.LINKCHECK_FAILURES_BEFORE_FLAG
    summary = summary or RunSummary()
    if not checked:
        return summary
    now = timezone.now()
    ids = [resource_id for resource_id, _, _ in checked]
    with transaction.atomic():
        # Make sure every resource has a status row to lock; concurrent inserts of the same row wait, then skip.
        LinkStatus.objects.bulk_create(
            [LinkStatus(resource_id=resource_id, url=url) for resource_id, url, _ in checked], ignore_conflicts=True
        )
        statuses = {
            s.resource_id: s
            for s in LinkStatus.objects.select_for_update(of=("self",))
            .select_related("resource")
            .filter(resource_id__in=ids)
            .order_by("resource_id")
        }
        history, changed = [], []
        for resource_id, url, result in checked:
            status = statuses.get(resource_id)
            if status is None or status.resource.url != url:
                summary.skipped += 1  # deleted, or its URL was edited while we checked the old one
                continue
            if status.last_checked is not None and status.last_checked >= run_started:
                summary.skipped += 1  # a run that started later already recorded a check
                continue
            if status.url != url:
                _reset(status, url)
            _apply(status, result, now, failures_to_flag, summary)
            changed.append(status)
            history.append(
                LinkCheck(
                    resource_id=resource_id,
                    url=url,
                    checked_at=result.checked_at,
                    status=str(result.status),
                    http_status=result.http_status,
                    final_url=_fits(result.final_url),
                    detail=_clip(result.detail, 500),
                    elapsed_seconds=result.elapsed,
                )
            )
            summary.counts[str(result.status)] += 1
            summary.not_modified += result.not_modified
        LinkCheck.objects.bulk_create(history)
        LinkStatus.objects.bulk_update(changed, _UPDATED_FIELDS)
    return summary


def _reset(status: LinkStatus, url: str) -> None:
    status.url = url
    status.status = LinkState.UNCHECKED
    status.http_status = None
    status.detail = ""
    status.consecutive_failures = 0
    status.suggested_url = ""
    status.flagged = False
    status.flagged_at = None
    status.admins_notified_at = None
    status.elapsed_seconds = None
    status.etag = ""
    status.last_modified = ""
    status.not_modified = False


def _apply(status: LinkStatus, result: linkcheck.LinkResult, now, failures_to_flag: int, summary: RunSummary) -> None:
    status.status = str(result.status)
    status.http_status = result.http_status
    status.detail = _clip(result.detail, 500)
    status.last_checked = now
    status.suggested_url = _fits(result.suggested_url)
    status.elapsed_seconds = result.elapsed
    # The checker keeps validators only from an OK answer (bounded); anything else forgets them.
    status.etag = result.etag
    status.last_modified = result.last_modified
    status.not_modified = result.not_modified
    if result.is_failure:
        status.consecutive_failures += 1
        if status.consecutive_failures >= failures_to_flag and not status.flagged:
            status.flagged = True
            status.flagged_at = now
            status.admins_notified_at = None
            summary.newly_flagged.append(status.resource_id)
    elif result.status in (linkcheck.Status.OK, linkcheck.Status.REDIRECTED):
        # The link works again: the flag goes without an admin having to do anything.
        status.consecutive_failures = 0
        status.flagged = False
        status.flagged_at = None
        status.admins_notified_at = None
    # Unverifiable, server errors and invalid leave the streak and the flag as they were:
    # they say nothing about whether the page is still there.


def _batches(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _host_key(url: str) -> str:
    try:
        return urlsplit(url.strip()).netloc.lower()
    except ValueError:
        return ""


def plan_batches(targets: Sequence[tuple[int, str]], size: int) -> list[list[int]]:
    """Resource ids in batches of about ``size`` that workers may check at the same time.

    All links to one host land in one batch, so the checker's per-host limits (concurrency,
    interval) still hold when many workers check batches at once; a host with more than
    ``size`` links gets a batch of its own. Busiest hosts first: they bound the run.
    """
    by_host: dict[str, list[int]] = {}
    for pk, url in targets:
        by_host.setdefault(_host_key(url), []).append(pk)
    batches: list[list[int]] = []
    current: list[int] = []
    for ids in sorted(by_host.values(), key=len, reverse=True):
        if current and len(current) + len(ids) > size:
            batches.append(current)
            current = []
        current.extend(ids)
    if current:
        batches.append(current)
    return batches


def link_check_targets(resource_ids: Iterable[int] | None = None) -> list[tuple[int, str]]:
    resources = Resource.objects.order_by("pk")
    if resource_ids is not None:
        resources = resources.filter(pk__in=list(resource_ids))
    return list(resources.values_list("pk", "url"))


def run_link_check(
    resource_ids: Iterable[int] | None = None,
    *,
    config: linkcheck.CheckerConfig | None = None,
    on_result: Callable[[linkcheck.LinkResult], None] | None = None,
    lookup=None,
    run_started: datetime | None = None,
    notify: bool = True,
) -> RunSummary:
    """Check the links of the given resources (all when None), record the results, e-mail admins once.

    One batch of a run shared by several workers passes the run's start and ``notify=False``:
    the run's last step e-mails the admins once (``finish_link_check``).
    """
    run_started = run_started or timezone.now()
    targets = link_check_targets(resource_ids)
    results = linkcheck.run_checks(
        [url for _, url in targets],
        config or checker_config(),
        on_result=on_result,
        lookup=lookup,
        history=previous_checks([pk for pk, _ in targets]),
    )
    summary = RunSummary(checked=len(targets))
    rows = [(pk, url, results[url]) for pk, url in targets]
    for batch in _batches(rows, settings.LINKCHECK_BATCH_SIZE):
        record_results(run_started, batch, summary=summary)
    if notify:
        summary.notified = finish_link_check([summary]).notified
    return summary


def finish_link_check(summaries: Iterable[RunSummary]) -> RunSummary:
    """After every batch of a run: add up, e-mail the admins one summary, log the run."""
    total = RunSummary()
    for part in summaries:
        total.checked += part.checked
        total.counts.update(part.counts)
        total.newly_flagged += part.newly_flagged
        total.skipped += part.skipped
        total.not_modified += part.not_modified
    try:
        total.notified = notify_admins_of_broken_links()
    except Exception:
        logger.exception("Link check: the admins' summary e-mail failed; it will be retried next run")
    logger.info(
        "Link check: %s resources, %s, %s answered not modified", total.checked, dict(total.counts), total.not_modified
    )
    return total


def notify_admins_of_broken_links() -> int:
    """E-mail staff one summary of the links flagged since the last summary; return how many it listed.

    Marking the rows in the same transaction means a retried or concurrent run
    doesn't send the same news twice, and a failed send is retried next run.
    """
    with transaction.atomic():
        pending = [
            s
            for s in LinkStatus.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("resource__stage")
            .filter(flagged=True, admins_notified_at__isnull=True)
            .order_by("resource__stage__order", "resource__order")
            if s.is_current
        ]
        if not pending:
            return 0
        recipients = list(
            get_user_model()
            .objects.filter(is_staff=True, is_active=True)
            .exclude(email="")
            .order_by("email")
            .values_list("email", flat=True)
        )
        if recipients:
            send_templated(
                to=recipients,
                template="linkcheck_broken",
                context={
                    "statuses": pending,
                    "report_url": settings.SITE_URL + reverse("admin:stages_resource_link_report"),
                },
            )
        LinkStatus.objects.filter(pk__in=[s.pk for s in pending]).update(admins_notified_at=timezone.now())
    return len(pending)


def reset_link_status(resource: Resource) -> None:
    """Forget what was found about an old URL (an admin fixed the link)."""
    LinkStatus.objects.filter(resource=resource).exclude(url=resource.url).update(
        url=resource.url,
        status=LinkState.UNCHECKED,
        http_status=None,
        detail="",
        consecutive_failures=0,
        suggested_url="",
        flagged=False,
        flagged_at=None,
        admins_notified_at=None,
        elapsed_seconds=None,
        etag="",
        last_modified="",
    )


def clear_flags(resource_ids: Iterable[int]) -> int:
    """An admin looked and the link is fine (or was replaced): hide the learners' badge now."""
    return LinkStatus.objects.filter(resource_id__in=list(resource_ids), flagged=True).update(
        flagged=False, flagged_at=None, consecutive_failures=0, admins_notified_at=None
    )


def expired_link_checks(now: datetime):
    """Link checks older than ``LINKCHECK_HISTORY_DAYS`` (pruned by dlcurriculum.retention).

    The current state of every link lives in ``LinkStatus``; the history only explains it,
    and a daily check of every resource would otherwise grow it without end.
    """
    return LinkCheck.objects.filter(checked_at__lt=now - timedelta(days=settings.LINKCHECK_HISTORY_DAYS))
