"""Reads of a learner's progress. Every function uses a fixed number of queries,
whatever the size of the curriculum or of the learner's history."""

from __future__ import annotations

import hmac
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.crypto import salted_hmac

from dlcurriculum.shared_reads import SharedRead
from stages.models import Resource, Stage
from stages.outline import outline

from . import completion as core
from . import pace, plan_calendar, time_spent
from .models import Activity, CompletionRecord, PacePlan, Pause, ResourceProgress, TimeSpent

RECENT_LIMIT = 5
CHART_WEEKS = 26


def _user_tz(user) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _resource_infos(resources) -> list[core.ResourceInfo]:
    return [
        core.ResourceInfo(
            id=r.pk,
            stage_id=r.stage_id,
            order=r.order,
            created_at=r.created_at,
            optional=r.optional,
            effort_hours=float(r.effort_hours or 0),
        )
        for r in resources
    ]


def _progress_rows(user, **filters) -> list[ResourceProgress]:
    return list(
        ResourceProgress.objects.filter(user=user, **filters).only(
            "id", "resource_id", "status", "note", "created_at", "updated_at"
        )
    )


def _resume_rows(rows: list[ResourceProgress]) -> list[tuple[int, str, datetime]]:
    return [(r.resource_id, r.status, r.updated_at) for r in rows]


def _infos(rows: list[ResourceProgress]) -> list[core.ProgressInfo]:
    return [core.ProgressInfo(resource_id=r.resource_id, status=r.status, created_at=r.created_at) for r in rows]


# --- Stage page -----------------------------------------------------------------


@dataclass(frozen=True)
class ResourceState:
    """The learner's state of one resource, as its controls show it."""

    status: str
    note: str
    is_new: bool  # added since the learner started the stage
    time_asked: bool = False  # the learner answered how long it took, or skipped the question
    time_minutes: int | None = None  # their answer (None: skipped, or not asked yet)
    estimate_hours: float = 0.0

    @property
    def time_prompt(self) -> bool:
        """Ask how long it took: done, and neither answered nor skipped yet."""
        return self.status == core.DONE and not self.time_asked

    @property
    def time_presets(self) -> list[str]:
        """The preset answers in hours, as the buttons show and send them ("0.5", "3", "40")."""
        return [time_spent.format_hours(h) for h in time_spent.presets(self.estimate_hours)]

    @property
    def estimate_label(self) -> str:
        return time_spent.format_hours(self.estimate_hours) if self.estimate_hours else ""

    @property
    def time_label(self) -> str:
        return "" if self.time_minutes is None else f"{time_spent.format_hours(self.time_minutes / 60)} h"


@dataclass
class StageProgress:
    """The learner's progress on one stage, as its page shows it (and the fetch answer after a change)."""

    completion: core.StageCompletion
    resume: Resource | None  # the Continue target: never a done or skipped resource
    next_stage: Stage | None  # where the "Stage complete" mark leads
    resources: dict[int, ResourceState]  # by resource id, every resource of the stage


def stage_progress(user, stage_id: int, approved_stage_ids: Iterable[int] = ()) -> StageProgress:
    """One stage's completion, Continue target, next stage and each resource's state for ``user``
    (1 query: the resources come from the cached outline). ``approved_stage_ids``: the stages whose
    capstone the learner has approved (the page layer reads them from capstones; progress cannot)."""
    curriculum = outline()
    resources = [r for r in curriculum.resources if r.stage_id == stage_id]
    infos = _resource_infos(resources)
    # The learner's answer on how long each took, in the same query.
    answers = TimeSpent.objects.filter(user=user, resource_id=OuterRef("resource_id"))
    rows = list(
        ResourceProgress.objects.filter(user=user, resource__stage_id=stage_id)
        .only("id", "resource_id", "status", "note", "created_at", "updated_at")
        .annotate(time_asked=Exists(answers), time_minutes=Subquery(answers.values("minutes")[:1]))
    )
    completions = core.stage_completions([stage_id], infos, _infos(rows))
    hours = curriculum.capstone_hours
    if stage_id in hours:
        core.mark_capstones(completions, [stage_id], approved_stage_ids, hours)
    completion = completions[stage_id]
    resume_id = core.resume([stage_id], infos, _resume_rows(rows), {}, stage_id=stage_id)
    next_id = core.next_stage_after([s.pk for s in curriculum.stages], stage_id)
    by_resource = {row.resource_id: row for row in rows}
    return StageProgress(
        completion=completion,
        resume=next((r for r in resources if r.pk == resume_id), None),
        next_stage=next((s for s in curriculum.stages if s.pk == next_id), None),
        resources={
            r.pk: ResourceState(
                status=by_resource[r.pk].status if r.pk in by_resource else core.NOT_STARTED,
                note=by_resource[r.pk].note if r.pk in by_resource else "",
                is_new=r.pk in completion.new_resource_ids,
                time_asked=by_resource[r.pk].time_asked if r.pk in by_resource else False,
                time_minutes=by_resource[r.pk].time_minutes if r.pk in by_resource else None,
                estimate_hours=float(r.effort_hours or 0),
            )
            for r in resources
        },
    )


# --- Overview -------------------------------------------------------------------


def overview_progress(user, approved_stage_ids: Iterable[int] = ()) -> dict[int, core.StageCompletion]:
    """Every stage's completion for ``user``, by stage id, capstones marked (1 query; the resources
    come from the cached outline)."""
    curriculum = outline()
    rows = _progress_rows(user)
    stage_ids = [s.pk for s in curriculum.stages]
    completions = core.stage_completions(stage_ids, _resource_infos(curriculum.resources), _infos(rows))
    hours = curriculum.capstone_hours
    core.mark_capstones(completions, hours.keys(), approved_stage_ids, hours)
    return completions


# --- Pace plan ----------------------------------------------------------------------


def learner_today(user, now: datetime | None = None) -> date:
    """The learner's calendar day now (their time zone; an unknown one counts as UTC)."""
    return pace.learner_today(now or timezone.now(), user.timezone or "UTC")


def pace_work(resources) -> list[pace.Work]:
    """The outline's resources as the plan sees them (an estimate left blank counts 0 hours)."""
    return [
        pace.Work(id=r.pk, stage_id=r.stage_id, hours=float(r.effort_hours or 0), optional=r.optional)
        for r in resources
    ]


def done_at_for(user_ids, since: date) -> dict[int, dict[int, datetime]]:
    """When each learner last marked each resource done, from a day before ``since`` on (1 query;
    the local day is worked out by the pace core, a day's margin covers every time zone)."""
    result: dict[int, dict[int, datetime]] = {uid: {} for uid in user_ids}
    if not result:
        return result
    start = datetime.combine(since, time.min, tzinfo=UTC) - timedelta(days=1)
    rows = (
        Activity.objects.filter(
            user_id__in=list(result), status=core.DONE, resource__isnull=False, created_at__gte=start
        )
        .values("user_id", "resource_id")
        .annotate(last=Max("created_at"))
        .values_list("user_id", "resource_id", "last")
    )
    for uid, rid, last in rows:
        result[uid][rid] = last
    return result


Approvals = Mapping[int, datetime | None]  # stage id: when its capstone was approved (None: not known)


def approvals_of(approved: Approvals | Iterable[int]) -> dict[int, datetime | None]:
    """The learner's capstone approvals as given by the page layer: a mapping of stage id to its
    approval's time, or only the stage ids (times unknown)."""
    return dict(approved) if isinstance(approved, Mapping) else dict.fromkeys(approved)


def pace_capstones(curriculum, approvals: Approvals) -> list[pace.Capstone]:
    """The outline's capstones as the plan sees them: their hours, left until approved."""
    return [
        pace.Capstone(stage_id, hours, approved=stage_id in approvals, approved_at=approvals.get(stage_id))
        for stage_id, hours in curriculum.capstone_hours.items()
    ]


def project_pace(
    plan: PacePlan,
    pauses,
    *,
    curriculum,
    statuses: dict[int, str],
    done_at: dict[int, datetime],
    zone: str,
    today,
    approvals: Approvals | None = None,
    medians: Mapping[int, tuple[float, int]] | None = None,
) -> pace.Projection:
    """The projection for one learner from plain reads (no query): the dashboard, the pace page
    and the reminders all come here, so they say the same. ``approvals``: the learner's approved
    capstones (from capstones: through the page layer, or stages.approvals for the reminders);
    a capstone's hours are left until approved and done on the day of its approval. ``medians``:
    what learners reported per resource (``reported_medians``); a resource enough of them answered
    counts at their median instead of its estimate."""
    stage_order = [s.pk for s in curriculum.stages]
    work, reported = pace.with_reported(
        pace_work(curriculum.resources), medians or {}, min_answers=settings.TIME_SPENT_MIN_ANSWERS
    )
    capstones = pace_capstones(curriculum, approvals or {})
    core_plan = plan.as_core()
    return pace.project(
        core_plan,
        pace.remaining_by_stage(stage_order, work, statuses, capstones),
        today=today,
        pauses=[p.as_core() for p in pauses],
        done_by_day=pace.done_by_local_day(done_at, statuses, work, zone, plan=core_plan, capstones=capstones),
        done_total=pace.done_hours(statuses, work, capstones),
        reported=reported,
    )


def _reported_medians() -> dict[int, tuple[float, int]]:
    """Per resource that at least TIME_SPENT_MIN_ANSWERS learners answered, (median hours, answers)
    (1 query: the answers of those resources only, whatever else was answered)."""
    answered = TimeSpent.objects.filter(minutes__isnull=False)
    enough = (
        answered.values("resource_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=max(1, settings.TIME_SPENT_MIN_ANSWERS))
        .values("resource_id")
        .order_by()
    )
    minutes: dict[int, list[int]] = {}
    for resource_id, m in answered.filter(resource_id__in=enough).values_list("resource_id", "minutes"):
        minutes.setdefault(resource_id, []).append(m)
    return {rid: (figures.median, figures.answers) for rid, ms in minutes.items() if (figures := time_spent.spread(ms))}


# Shared by every pace projection; dropped whenever an answer is saved or deleted.
REPORTED_MEDIANS = SharedRead("progress-reported-medians:v1", _reported_medians, models=["progress.TimeSpent"])


def reported_medians() -> dict[int, tuple[float, int]]:
    """What learners reported, per resource enough of them answered: (median hours, answers). From
    the cache, or 1 query."""
    return REPORTED_MEDIANS.get()


@dataclass
class PaceStage:
    """A stage on the pace page: its completion (the figures the dashboard and its stage page show)
    and its projected finish."""

    stage: Stage
    completion: core.StageCompletion
    projection: pace.StageProjection


@dataclass(frozen=True)
class ReportedTime:
    """A resource the projection counts at the median learners reported, as the pace page names it."""

    title: str
    estimate: float
    median: float
    answers: int

    @property
    def label(self) -> str:
        """ "Dive into Deep Learning: 64 h, the median of 20 learners, instead of the estimated 90 h"."""
        median, estimate = time_spent.format_hours(self.median), time_spent.format_hours(self.estimate)
        return f"{self.title}: {median} h, the median of {self.answers} learners, instead of the estimated {estimate} h"


@dataclass
class PacePage:
    plan: PacePlan | None
    pauses: list[Pause]
    projection: pace.Projection | None
    stages: list[PaceStage]
    today: date
    overall: core.StageCompletion | None = None  # the dashboard's overall figures
    reported: list[ReportedTime] = field(default_factory=list)  # counted at learners' median


def _plan_and_projection(user, curriculum, statuses, approvals, today, medians=None):
    """The learner's plan, pauses and projection: always the same 3 queries (plan, pauses, done
    times), plan or not; the projection is None without a plan."""
    plan = PacePlan.objects.filter(user=user).first()
    pauses = list(Pause.objects.filter(user=user))
    done_at = done_at_for([user.pk], plan.started_on if plan else today)[user.pk]
    if plan is None:
        return plan, pauses, None
    projection = project_pace(
        plan,
        pauses,
        curriculum=curriculum,
        statuses=statuses,
        done_at=done_at,
        zone=user.timezone,
        today=today,
        approvals=approvals,
        medians=medians,
    )
    return plan, pauses, projection


def pace_page(user, approvals: Approvals | Iterable[int] = ()) -> PacePage:
    """The learner's plan, pauses and projection (4 queries: plan, pauses, progress, done times;
    the curriculum comes from the cached outline). ``approvals``: the learner's approved capstones
    (from capstones, through the page layer), as for the dashboard."""
    approvals = approvals_of(approvals)
    curriculum = outline()
    today = learner_today(user)
    rows = _progress_rows(user)
    statuses = {row.resource_id: row.status for row in rows}
    plan, pauses, projection = _plan_and_projection(
        user, curriculum, statuses, approvals, today, medians=reported_medians()
    )
    stage_order = [s.pk for s in curriculum.stages]
    completions = core.stage_completions(stage_order, _resource_infos(curriculum.resources), _infos(rows))
    hours = curriculum.capstone_hours
    core.mark_capstones(completions, hours.keys(), approvals, hours)
    by_id = {s.pk: s for s in curriculum.stages}
    by_resource = {r.pk: r for r in curriculum.resources}
    stages = [PaceStage(by_id[p.stage_id], completions[p.stage_id], p) for p in projection.stages] if projection else []
    return PacePage(
        plan=plan,
        pauses=pauses,
        projection=projection,
        stages=stages,
        today=today,
        overall=core.overall(completions.values()),
        reported=[
            ReportedTime(by_resource[r.resource_id].title, r.estimate, r.median, r.answers)
            for r in (projection.reported if projection else ())
            if r.resource_id in by_resource
        ],
    )


# --- Resume ---------------------------------------------------------------------


def resume(user) -> Resource | None:
    """Where the learner picks up: their last resource still in progress, else the next one up
    (1 query; the resources come from the cached outline)."""
    curriculum = outline()
    infos = _resource_infos(curriculum.resources)
    rows = _progress_rows(user)
    stage_order = [s.pk for s in curriculum.stages]
    completions = core.stage_completions(stage_order, infos, _infos(rows))
    resume_id = core.resume(stage_order, infos, _resume_rows(rows), completions)
    return next((r for r in curriculum.resources if r.pk == resume_id), None)


# --- Dashboard ------------------------------------------------------------------


@dataclass
class StageSummary:
    stage: Stage
    completion: core.StageCompletion
    pace: pace.StageProjection | None = None  # with a pace plan: the stage's projected finish
    next_stage: Stage | None = None  # where a complete stage's prompt leads

    @property
    def pk(self) -> int:
        return self.stage.pk


@dataclass
class RecentItem:
    resource: Resource
    status: str
    status_label: str
    note: str
    updated_at: datetime


@dataclass
class Dashboard:
    stages: list[StageSummary]
    overall: core.StageCompletion
    current_stage: StageSummary | None  # the earliest unfinished stage (the reminders' "next up")
    next_up: Resource | None  # its first unfinished core resource (what the reminders name)
    resume: Resource | None  # the one next step the pages show: Continue and the "Next up" card
    recent: list[RecentItem]
    chart: core.ActivityChart
    why: str
    curriculum_complete: bool = False
    pace: pace.Projection | None = None  # with a pace plan
    pause: pace.Pause | None = None  # a pause covering the learner's today (plan or not)
    resume_stage: StageSummary | None = None  # the stage of ``resume``


def activity_by_day(user, since: date, tz: zoneinfo.ZoneInfo) -> dict[date, int]:
    """Distinct resources touched per local calendar day from ``since`` on (1 query): flipping
    one resource back and forth counts once."""
    start = datetime.combine(since, time.min, tzinfo=tz)
    rows = (
        Activity.objects.filter(user=user, created_at__gte=start)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("resource", distinct=True))
        .values_list("day", "n")
    )
    return dict(rows)


def activity_chart(user, *, weeks: int = CHART_WEEKS) -> core.ActivityChart:
    tz = _user_tz(user)
    today = timezone.localtime(timezone.now(), tz).date()
    daily = activity_by_day(user, core.chart_window_start(today, weeks), tz)
    return core.activity_chart(core.weekly_counts(daily, today, weeks))


def dashboard(user, approvals: Approvals | Iterable[int] = ()) -> Dashboard:
    """Everything the dashboard shows, uncached, in a fixed number of queries (2, and 3 more
    when the curriculum's outline is not cached). ``approvals``: the stages whose capstone the
    learner has approved, with when (from capstones, through the page layer), or their ids only."""
    return _dashboard(user, outline(), approvals_of(approvals), reported_medians())


def _dashboard(user, curriculum, approvals: dict[int, datetime | None], medians=None) -> Dashboard:
    stages, resources = curriculum.stages, curriculum.resources
    infos = _resource_infos(resources)
    rows = _progress_rows(user)
    stage_order = [s.pk for s in stages]
    completions = core.stage_completions(stage_order, infos, _infos(rows))
    hours = curriculum.capstone_hours
    core.mark_capstones(completions, hours.keys(), approvals, hours)
    summaries = [
        StageSummary(stage=s, completion=completions[s.pk], next_stage=stages[i + 1] if i + 1 < len(stages) else None)
        for i, s in enumerate(stages)
    ]

    statuses = {row.resource_id: row.status for row in rows}
    today = learner_today(user)
    _plan, pauses, projection = _plan_and_projection(user, curriculum, statuses, approvals, today, medians=medians)
    if projection is not None:
        for summary, stage_projection in zip(summaries, projection.stages, strict=True):
            summary.pace = stage_projection
    active_pause = pace.pause_on(today, pace.merge_pauses(p.as_core() for p in pauses))
    current_id = core.current_stage_id(stage_order, completions)
    next_id = core.next_up(stage_order, infos, statuses, completions)
    resume_id = core.resume(stage_order, infos, _resume_rows(rows), completions)
    by_id = {r.pk: r for r in resources}
    resume_resource = by_id.get(resume_id)

    # Rows of deleted resources are gone with them (CASCADE), so every row here has a resource.
    recent_rows = sorted(
        (row for row in rows if row.resource_id in by_id),
        key=lambda row: row.updated_at,
        reverse=True,
    )[:RECENT_LIMIT]
    labels = dict(ResourceProgress._meta.get_field("status").choices)
    recent = [
        RecentItem(
            resource=by_id[row.resource_id],
            status=row.status,
            status_label=labels.get(row.status, row.status),
            note=row.note,
            updated_at=row.updated_at,
        )
        for row in recent_rows
        if row.resource_id in by_id
    ]
    return Dashboard(
        stages=summaries,
        overall=core.overall(completions.values()),
        current_stage=next((s for s in summaries if s.stage.pk == current_id), None),
        next_up=by_id.get(next_id),
        resume=resume_resource,
        resume_stage=next((s for s in summaries if resume_resource and s.stage.pk == resume_resource.stage_id), None),
        recent=recent,
        chart=activity_chart(user),
        why=user.why,
        curriculum_complete=core.curriculum_complete(completions.values()),
        pace=projection,
        pause=active_pause,
    )


def dashboard_in(
    user, curriculum, approvals: Approvals | Iterable[int] = (), medians: Mapping[int, tuple[float, int]] | None = None
) -> Dashboard:
    """``dashboard`` for an outline and reported medians the caller already holds (the page layer
    caches the dashboard under the outline's token and with the medians): 2 queries."""
    return _dashboard(user, curriculum, approvals_of(approvals), medians)


def completion_record(user) -> CompletionRecord | None:
    """The learner's completion record, public or not (1 query)."""
    return CompletionRecord.objects.filter(user=user).first()


def learner_today_and_zone(user) -> tuple[date, zoneinfo.ZoneInfo]:
    """The learner's calendar day and time zone (no query): the chart's last week and the pace
    figures move with the day."""
    tz = _user_tz(user)
    return timezone.localtime(timezone.now(), tz).date(), tz


# --- Study groups ------------------------------------------------------------------


@dataclass(frozen=True)
class MemberFigures:
    """What a study group sees of one member who shares their progress with it: stage figures,
    activity and pace, never a note (the page layer asks for the members who share, by id)."""

    user_id: int
    overall: core.StageCompletion
    stages: list[tuple[Stage, core.StageCompletion]]  # in curriculum order
    current_stage: Stage | None
    last_activity: datetime | None
    hours_this_week: float
    finished_this_week: list[Stage]
    next_finish: tuple[Stage, date] | None  # the next stage their pace plan projects them to finish

    @property
    def hours_this_week_whole(self) -> int:
        return core.whole_hours(self.hours_this_week)


def members_figures(
    zones: Mapping[int, str],
    approvals: Mapping[int, Approvals],
    *,
    week_start: datetime,
    today: date,
) -> dict[int, MemberFigures]:
    """The figures of each learner in ``zones`` (user id: their time zone), for a group's page and
    the group's week in reminders and digests: 5 queries whatever their number or history
    (progress rows, last activity, plans, pauses, done times; the curriculum comes from the outline).

    ``week_start``: the aware instant "this week" starts; ``approvals``: each learner's approved
    capstones by stage (from capstones, through the page layer or stages.approvals)."""
    ids = list(zones)
    if not ids:
        return {}
    curriculum = outline()
    stage_order = [s.pk for s in curriculum.stages]
    infos = _resource_infos(curriculum.resources)
    rows: dict[int, list[ResourceProgress]] = {uid: [] for uid in ids}
    for row in ResourceProgress.objects.filter(user_id__in=ids).only(
        "id", "user_id", "resource_id", "status", "created_at", "updated_at"
    ):
        rows[row.user_id].append(row)
    last = dict(
        Activity.objects.filter(user_id__in=ids)
        .values("user_id")
        .annotate(last=Max("created_at"))
        .values_list("user_id", "last")
    )
    plans = {p.user_id: p for p in PacePlan.objects.filter(user_id__in=ids)}
    pauses: dict[int, list[Pause]] = {uid: [] for uid in ids}
    for p in Pause.objects.filter(user_id__in=ids):
        pauses[p.user_id].append(p)
    since = min([week_start.date(), *(p.started_on for p in plans.values())])
    done_at = done_at_for(ids, since)
    hours = {r.pk: float(r.effort_hours or 0) for r in curriculum.resources if not r.optional}
    stage_of = {r.pk: r.stage_id for r in curriculum.resources}
    by_id = {s.pk: s for s in curriculum.stages}
    capstone_hours = curriculum.capstone_hours
    result = {}
    for uid in ids:
        mine = approvals.get(uid, {})
        statuses = {row.resource_id: row.status for row in rows[uid]}
        completions = core.stage_completions(stage_order, infos, _infos(rows[uid]))
        core.mark_capstones(completions, capstone_hours.keys(), mine, capstone_hours)
        this_week = {
            rid: when for rid, when in done_at[uid].items() if when >= week_start and statuses.get(rid) == core.DONE
        }
        approved_this_week = {sid for sid, when in mine.items() if when is not None and when >= week_start}
        week_hours = sum(hours.get(rid, 0.0) for rid in this_week) + sum(
            capstone_hours.get(sid, 0.0) for sid in approved_this_week
        )
        touched = {stage_of.get(rid) for rid in this_week} | approved_this_week
        finished = [by_id[sid] for sid in stage_order if sid in touched and completions[sid].is_complete]
        next_finish = None
        plan = plans.get(uid)
        if plan is not None:
            projection = project_pace(
                plan,
                pauses[uid],
                curriculum=curriculum,
                statuses=statuses,
                done_at=done_at[uid],
                zone=zones[uid] or "UTC",
                today=today,
                approvals=approvals_of(mine),
            )
            upcoming = [s for s in projection.stages if s.finish is not None and s.hours_left > 0]
            if upcoming:
                next_finish = (by_id[upcoming[0].stage_id], upcoming[0].finish)
        current = core.current_stage_id(stage_order, completions)
        result[uid] = MemberFigures(
            user_id=uid,
            overall=core.overall(completions.values()),
            stages=[(by_id[sid], completions[sid]) for sid in stage_order],
            current_stage=by_id.get(current) if current else None,
            last_activity=last.get(uid),
            hours_this_week=week_hours,
            finished_this_week=finished,
            next_finish=next_finish,
        )
    return result


def week_start_for(zone_name: str, now: datetime | None = None) -> tuple[datetime, date]:
    """Monday 00:00 of this week in ``zone_name`` as an aware instant, and today there."""
    today = pace.learner_today(now or timezone.now(), zone_name or "UTC")
    try:
        zone = zoneinfo.ZoneInfo(zone_name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return datetime.combine(core.week_start(today), time.min, tzinfo=zone), today


# --- The calendar feed ------------------------------------------------------------

CALENDAR_FEED_SALT = "progress.calendar-feed"
CALENDAR_UID_SALT = "progress.calendar-uid"
CALENDAR_NAME = "Learning Deep Learning: my pace plan"


def _feed_signature(user_id: int, secret: str) -> str:
    return salted_hmac(CALENDAR_FEED_SALT, f"{user_id}:{secret}", algorithm="sha256").hexdigest()[:40]


def calendar_token(plan: PacePlan | None) -> str | None:
    """The token of the learner's feed URL, None while the feed is off. It is derived (HMAC over the
    user id and the plan's feed secret, keyed by SECRET_KEY), never stored: the pace page shows it
    again whenever asked, and a new secret (reset) or none (stop) ends every URL given out."""
    if plan is None or not plan.feed_secret:
        return None
    return f"{plan.user_id}-{_feed_signature(plan.user_id, plan.feed_secret)}"


def calendar_plan(token: str) -> PacePlan | None:
    """The plan (with its learner) a feed token opens, or None: a wrong, old or stopped token, or an
    inactive account (1 query). The signature is always computed and compared in constant time, found
    or not, so the answer's time does not tell how much of a token was right."""
    user_part, _, signature = token.partition("-")
    plan = None
    if user_part.isdigit() and len(user_part) <= 18:
        plan = (
            PacePlan.objects.select_related("user")
            .filter(user_id=int(user_part), user__is_active=True)
            .exclude(feed_secret="")
            .first()
        )
    expected = _feed_signature(plan.user_id, plan.feed_secret) if plan else _feed_signature(0, "no feed")
    matches = hmac.compare_digest(expected.encode(), signature.encode("utf-8", "surrogatepass"))
    return plan if plan is not None and matches else None


def calendar_uid_prefix(user_id: int) -> str:
    """Opaque and stable per learner (a reset keeps it: the events stay the same events)."""
    return salted_hmac(CALENDAR_UID_SALT, str(user_id), algorithm="sha256").hexdigest()[:20]


def study_blocks(plan: PacePlan) -> plan_calendar.StudyBlocks | None:
    if not plan.study_days or plan.study_start is None or not plan.study_minutes:
        return None
    return plan_calendar.StudyBlocks(
        weekdays=tuple(int(d) for d in plan.study_days.split(",")),
        start=plan.study_start,
        minutes=plan.study_minutes,
        since=plan.study_since or plan.started_on,
    )


def plan_calendar_ics(plan: PacePlan, approvals: Approvals | Iterable[int] = ()) -> bytes:
    """The learner's plan as .ics bytes (progress.plan_calendar): the projection the pace page shows,
    the pauses and the study blocks. 3 queries (progress rows, pauses, done times) and the shared
    reported medians (cached); the curriculum comes from the cached outline. ``approvals``: as for
    the pace page, from the page layer."""
    user = plan.user
    approvals = approvals_of(approvals)
    curriculum = outline()
    today = learner_today(user)
    statuses = dict(ResourceProgress.objects.filter(user=user).values_list("resource_id", "status"))
    pauses = list(Pause.objects.filter(user=user))
    done_at = done_at_for([user.pk], plan.started_on)[user.pk]
    projection = project_pace(
        plan,
        pauses,
        curriculum=curriculum,
        statuses=statuses,
        done_at=done_at,
        zone=user.timezone,
        today=today,
        approvals=approvals,
        medians=reported_medians(),
    )
    titles = {s.pk: s.title for s in curriculum.stages}
    stamp = max([plan.updated_at, *(p.created_at for p in pauses)])
    calendar = plan_calendar.PlanCalendar(
        name=CALENDAR_NAME,
        uid_prefix=calendar_uid_prefix(user.pk),
        uid_domain=urlsplit(settings.SITE_URL).hostname or "dlcurriculum",
        zone=user.timezone or "UTC",
        stamp=stamp,
        today=today,
        stages=tuple(
            plan_calendar.StageFinish(s.stage_id, titles[s.stage_id], s.finish if s.hours_left > 0 else None)
            for s in projection.stages
        ),
        pauses=tuple(plan_calendar.PauseDays(p.pk, p.start, p.end, p.label) for p in pauses),
        study=None if projection.finished else study_blocks(plan),
        finish=projection.finish,
        target=plan.target_date,
    )
    return plan_calendar.build(calendar)


def pace_plan_of(user) -> PacePlan | None:
    """The learner's plan row, or None (1 query)."""
    return PacePlan.objects.filter(user=user).first()
