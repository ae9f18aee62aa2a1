"""How learners use the curriculum, for the people who maintain it.

Every figure comes from a fixed number of grouped queries, whatever the number of learners;
medians are taken in Python over one row per learner and resource (or stage), which the
database has already reduced. Progress knows nothing of capstone submissions: the page layer
(``dlcurriculum.pages.insight``) says which capstones are approved, so a capstone stage counts
as finished by the same rule as on the learner's dashboard, and caches the composed page.
"""

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from stages.models import LinkStatus, Resource, Stage
from stages.outline import outline

from . import time_spent as reported_time
from .models import Activity, ResourceProgress, Status, TimeSpent

# A learner whose last change is older than this has stopped, for "where learners stop".
STALL_AFTER = timedelta(days=30)
# A learner with a change more recent than this is active, for "who a broken link affects".
ACTIVE_WITHIN = timedelta(days=30)


@dataclass
class ResourceUse:
    resource_id: int
    title: str
    optional: bool
    started: int = 0
    finished: int = 0
    skipped: int = 0
    median_days_to_finish: float | None = None
    stalled_here: int = 0
    estimate_hours: float | None = None
    # What the learners who said how long it took reported (None: nobody answered yet).
    time_spent: reported_time.Spread | None = None
    # Enough answered and their median is far from the estimate: the content team should look.
    estimate_is_off: bool = False


@dataclass
class StageUse:
    stage_id: int
    title: str
    order: int
    resources: list[ResourceUse] = field(default_factory=list)
    finished_by: int = 0
    median_days: float | None = None
    stalled: int = 0


@dataclass
class BrokenLinkReach:
    resource_id: int
    title: str
    stage_title: str
    url: str
    learners_ahead: int


@dataclass
class Insight:
    stages: list[StageUse]
    broken_links: list[BrokenLinkReach]
    active_learners: int
    stalled_learners: int
    most_skipped: list[ResourceUse]
    computed_at: object
    # Answers a resource needs before plans count their median (TIME_SPENT_MIN_ANSWERS).
    time_spent_min_answers: int = 20
    # Resources whose estimate the reported time says to update, furthest off first.
    estimates_to_update: list[ResourceUse] = field(default_factory=list)


def insight(approved_capstones: Iterable[tuple[int, int]] = ()) -> Insight:
    """The insight page's progress figures. ``approved_capstones``: (learner id, stage id) of every
    approved capstone; a capstone stage is finished only with its capstone approved, as on the dashboard."""
    return _compute(now=timezone.now(), approved_capstones=frozenset(approved_capstones))


def _days(delta: timedelta) -> float:
    return delta.total_seconds() / 86400


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _compute(*, now, approved_capstones: frozenset[tuple[int, int]]) -> Insight:
    stages = list(Stage.objects.order_by("order").values("pk", "title", "order"))
    resources = list(
        Resource.objects.order_by("stage__order", "order").values("pk", "title", "optional", "stage_id", "effort_hours")
    )
    uses = {
        r["pk"]: ResourceUse(
            r["pk"], r["title"], r["optional"], estimate_hours=float(r["effort_hours"]) if r["effort_hours"] else None
        )
        for r in resources
    }
    learners = get_user_model().objects.filter(is_staff=False)

    _count_statuses(uses)
    _median_days_to_finish(uses)
    min_answers = settings.TIME_SPENT_MIN_ANSWERS
    _time_spent(uses, min_answers)
    stalled_learners = _count_stalls(uses, learners, now=now)

    stage_uses = {s["pk"]: StageUse(s["pk"], s["title"], s["order"]) for s in stages}
    for resource in resources:
        stage_uses[resource["stage_id"]].resources.append(uses[resource["pk"]])
    _stage_durations(stage_uses, approved_capstones)
    for stage in stage_uses.values():
        stage.stalled = sum(r.stalled_here for r in stage.resources)

    active = learners.filter(activities__created_at__gte=now - ACTIVE_WITHIN).distinct()
    active_count = active.count()
    return Insight(
        stages=list(stage_uses.values()),
        broken_links=_broken_link_reach(active, active_count),
        active_learners=active_count,
        stalled_learners=stalled_learners,
        most_skipped=sorted((u for u in uses.values() if u.skipped), key=lambda u: -u.skipped)[:10],
        computed_at=now,
        time_spent_min_answers=min_answers,
        estimates_to_update=sorted(
            (u for u in uses.values() if u.estimate_is_off), key=lambda u: -abs(u.time_spent.ratio - 1)
        ),
    )


def _time_spent(uses: dict[int, ResourceUse], min_answers: int) -> None:
    """How long learners said each resource took: one query over the answers (a skipped question
    is no answer), their median and quartiles against the estimate."""
    minutes: dict[int, list[int]] = {}
    for resource_id, m in TimeSpent.objects.filter(minutes__isnull=False).values_list("resource_id", "minutes"):
        minutes.setdefault(resource_id, []).append(m)
    for resource_id, values in minutes.items():
        if use := uses.get(resource_id):
            use.time_spent = reported_time.spread(values, use.estimate_hours)
            use.estimate_is_off = reported_time.estimate_is_off(use.time_spent, min_answers)


def _count_statuses(uses: dict[int, ResourceUse]) -> None:
    """Started / finished / skipped per resource: one grouped query."""
    counts = ResourceProgress.objects.values("resource_id").annotate(
        started=Count("pk", filter=Q(status__in=[Status.IN_PROGRESS, Status.DONE])),
        finished=Count("pk", filter=Q(status=Status.DONE)),
        skipped=Count("pk", filter=Q(status=Status.SKIPPED)),
    )
    for row in counts.order_by():
        if use := uses.get(row["resource_id"]):
            use.started, use.finished, use.skipped = row["started"], row["finished"], row["skipped"]


def _median_days_to_finish(uses: dict[int, ResourceUse]) -> None:
    """Time from the first "in progress" to the first "done", per learner and resource."""
    spans = (
        Activity.objects.filter(resource__isnull=False)
        .values("user_id", "resource_id")
        .annotate(
            began=Min("created_at", filter=Q(status=Status.IN_PROGRESS)),
            ended=Min("created_at", filter=Q(status=Status.DONE)),
        )
        .filter(began__isnull=False, ended__isnull=False, ended__gte=F("began"))
        .order_by()
    )
    durations: dict[int, list[float]] = {}
    for row in spans:
        durations.setdefault(row["resource_id"], []).append(_days(row["ended"] - row["began"]))
    for resource_id, values in durations.items():
        if resource_id in uses:
            uses[resource_id].median_days_to_finish = _median(values)


def _count_stalls(uses: dict[int, ResourceUse], learners, *, now) -> int:
    """Where learners stop: the last resource touched by each learner inactive for a month."""
    latest = Activity.objects.filter(user=OuterRef("pk"), resource__isnull=False).order_by("-created_at")
    rows = (
        learners.annotate(last_at=Subquery(latest.values("created_at")[:1]))
        .annotate(last_resource=Subquery(latest.values("resource_id")[:1]))
        .filter(last_at__lt=now - STALL_AFTER)
        .values("last_resource")
        .annotate(n=Count("pk"))
        .order_by()
    )
    stalled = 0
    for row in rows:
        stalled += row["n"]
        if row["last_resource"] in uses:
            uses[row["last_resource"]].stalled_here = row["n"]
    return stalled


def _stage_durations(stage_uses: dict[int, StageUse], approved_capstones: frozenset[tuple[int, int]]) -> None:
    """Who finished each stage (every required resource done or skipped, and in a capstone stage
    the capstone approved, as ``completion.StageCompletion.complete`` says) and how long it took
    them: from their first change in the stage to their last "done" or "skipped" of a required
    resource (a capstone stage's approval date is the capstones' own figure)."""
    required_per_stage = {
        row["stage_id"]: row["n"]
        for row in Resource.objects.filter(optional=False).values("stage_id").annotate(n=Count("pk")).order_by()
    }
    finished_rows = (
        ResourceProgress.objects.filter(status__in=[Status.DONE, Status.SKIPPED], resource__optional=False)
        .values("user_id", stage_id=F("resource__stage_id"))
        .annotate(n=Count("resource_id", distinct=True))
        .order_by()
    )
    finished = {(r["user_id"], r["stage_id"]) for r in finished_rows if r["n"] == required_per_stage.get(r["stage_id"])}
    for stage_id in outline().capstone_hours:
        in_stage = {pair for pair in approved_capstones if pair[1] == stage_id}
        if required_per_stage.get(stage_id):
            finished -= {pair for pair in finished if pair[1] == stage_id} - in_stage
        else:
            finished |= in_stage
    spans = (
        Activity.objects.filter(resource__isnull=False)
        .values("user_id", stage_id=F("resource__stage_id"))
        .annotate(
            began=Min("created_at"),
            ended=Max("created_at", filter=Q(status__in=[Status.DONE, Status.SKIPPED], resource__optional=False)),
        )
        .order_by()
    )
    days: dict[int, list[float]] = {}
    for row in spans:
        if (row["user_id"], row["stage_id"]) in finished and row["ended"] is not None:
            days.setdefault(row["stage_id"], []).append(_days(row["ended"] - row["began"]))
    for _, stage_id in finished:
        if stage_id in stage_uses:
            stage_uses[stage_id].finished_by += 1
    for stage_id, values in days.items():
        if stage_id in stage_uses:
            stage_uses[stage_id].median_days = _median(values)


def _broken_link_reach(active, active_count: int) -> list[BrokenLinkReach]:
    """Flagged links, and how many active learners still have them ahead (neither done nor skipped)."""
    flagged = list(
        LinkStatus.objects.filter(flagged=True, url=F("resource__url"))
        .values("resource_id", "url", "resource__title", "resource__stage__title")
        .order_by("resource__stage__order", "resource__order")
    )
    if not flagged:
        return []
    behind = {
        row["resource_id"]: row["n"]
        for row in ResourceProgress.objects.filter(
            resource_id__in=[f["resource_id"] for f in flagged],
            status__in=[Status.DONE, Status.SKIPPED],
            user__in=active,
        )
        .values("resource_id")
        .annotate(n=Count("user_id", distinct=True))
        .order_by()
    }
    reach = [
        BrokenLinkReach(
            f["resource_id"],
            f["resource__title"],
            f["resource__stage__title"],
            f["url"],
            active_count - behind.get(f["resource_id"], 0),
        )
        for f in flagged
    ]
    return sorted(reach, key=lambda b: -b.learners_ahead)
