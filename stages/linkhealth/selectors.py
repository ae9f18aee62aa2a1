"""Link health reads, each in a constant number of queries."""

import copy
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from stages.models import LinkState, LinkStatus, Resource

from .checker import Previous


def link_report(now: datetime | None = None) -> dict:
    """What the staff link report shows: counts per state, every link that needs a look, and when
    the links were last checked and will be next."""
    current = LinkStatus.objects.filter(url=F("resource__url"))
    counts = {row["status"]: row["n"] for row in current.values("status").annotate(n=Count("pk")).order_by()}
    total = Resource.objects.count()
    counts[LinkState.UNCHECKED] = counts.get(LinkState.UNCHECKED, 0) + total - sum(counts.values())
    attention = (
        current.exclude(status=LinkState.OK, flagged=False)
        .exclude(status=LinkState.UNCHECKED)
        .select_related("resource__stage")
        .order_by("-flagged", "status", "resource__stage__order", "resource__order")
    )
    summary = current.aggregate(
        flagged=Count("pk", filter=Q(flagged=True)),
        not_modified=Count("pk", filter=Q(not_modified=True)),
        last_run=Max("last_checked"),
    )
    return {
        "counts": [(label, counts.get(value, 0), value) for value, label in LinkState.choices],
        "total": total,
        "flagged_count": summary["flagged"],
        # Conditional requests at work: links whose last check was a 304 (unchanged, not downloaded again).
        "not_modified_count": summary["not_modified"],
        "statuses": attention,
        "unchecked_count": counts[LinkState.UNCHECKED],
        "last_run": summary["last_run"],
        "next_run": next_scheduled_check(now or timezone.now()),
    }


def next_scheduled_check(now: datetime) -> datetime | None:
    """When beat next starts the check of every link (``LINKCHECK_SCHEDULE``), or None in local mode.

    Without Redis nothing runs on a schedule (tasks run in the process that asks for them), so a
    report that promised "the nightly check" there would promise something that never comes.
    """
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    # A copy whose clock is ``now``: Celery's schedules read the wall clock otherwise. remaining_estimate
    # (last_run_at) is the time from that clock to the first run due after last_run_at.
    schedule = copy.copy(settings.CELERY_BEAT_SCHEDULE["check-links"]["schedule"])
    schedule.nowfun = lambda: now
    return now + schedule.remaining_estimate(now)


def previous_checks(resource_ids: Iterable[int]) -> dict[str, Previous]:
    """What the last check of each of these resources' current URLs found, by URL, in one query.

    A status about an old URL (an admin edited the link) says nothing about the new one.
    """
    rows = (
        LinkStatus.objects.filter(resource_id__in=list(resource_ids), url=F("resource__url"))
        .exclude(last_checked=None)
        .values_list("url", "elapsed_seconds", "etag", "last_modified")
    )
    return {url: Previous(elapsed=elapsed, etag=etag, last_modified=modified) for url, elapsed, etag, modified in rows}
