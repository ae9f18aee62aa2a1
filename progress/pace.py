"""A learner's pace plan and where they stand against it, without Django: data in, data out.

A plan is either a number of hours per week or a target date, and starts on the
learner's local day it was set (restating it starts it again). Pauses are ranges
of the learner's local days (both ends included) on which no work is planned:
they shift the plan and the projection. Work is spread evenly over the days
that are not paused (hours per week / 7 each).

- *Planned by today*: the plan's hours from its first day up to, not including,
  the learner's today (today is still theirs to work).
- *Done*: estimated hours of the core resources the learner marked done, and of the
  capstones approved, since the plan started (the caller gives them per local day).
  What was done before the plan was stated is its *baseline*: not "ahead", only
  no longer left. The plan knows the instant it was stated (``started_at``), so
  work marked done minutes before it on the same day is baseline too.
- *Hours left*: core resources neither done nor skipped, and capstones not yet
  approved (their brief's estimate); optional resources are not part of the plan.
  The same figure as the completion's (progress.completion, ``whole_hours``).
- *On track*: behind by less than one week of the plan's pace (work is counted a
  whole resource at a time when it is marked done, and some resources take weeks).
- *Reported time*: once enough learners said how long a resource really took, the plan counts
  their median instead of the estimate (``with_reported``), for its hours left and done alike, and
  the projection lists the resources it did that for (``Projection.reported``).
- *Projection*: from today on, at the plan's pace, the day each stage's
  remaining effort (in curriculum order) is used up, and the last of them.

In target-date mode the plan's pace is what the work had to be when the plan
started (the hours left now plus those done since, over the days not paused up
to the target), so a resource skipped or added changes it; the pace needed from
today to still meet the target is given too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .completion import hours_left_label, whole_hours

# A projection further out than this is "not in sight" rather than a date.
HORIZON_DAYS = 100 * 366
MIN_HOURS_PER_WEEK = 1
MAX_HOURS_PER_WEEK = 100
# Less than half an hour either way is no difference: figures are shown in whole hours.
ON_TRACK_MARGIN = 0.5


@dataclass(frozen=True)
class Pause:
    start: date
    end: date  # included

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Plan:
    started_on: date
    hours_per_week: float | None = None
    target_date: date | None = None
    # The aware instant the plan was stated: work marked done before it is the baseline.
    started_at: datetime | None = None

    @property
    def is_target(self) -> bool:
        return self.target_date is not None


@dataclass(frozen=True)
class StageEffort:
    stage_id: int
    hours_left: float


@dataclass(frozen=True)
class StageProjection:
    stage_id: int
    hours_left: float
    finish: date | None  # None: nothing left, or not in sight

    @property
    def hours_left_whole(self) -> int:
        return whole_hours(self.hours_left)


@dataclass(frozen=True)
class Projection:
    plan: Plan
    today: date
    stages: tuple[StageProjection, ...]
    hours_left: float
    finish: date | None
    hours_per_week: float  # the plan's pace: stated, or what the target date asked for
    planned_hours: float  # by the start of today
    done_hours: float  # since the plan started
    pause: Pause | None  # the pause that covers today, if any
    required_hours_per_week: float | None = None  # target mode: from today to still meet the target
    target_passed: bool = False
    baseline_hours: float = 0.0  # done before the plan was stated: neither ahead nor left
    # The resources counted at the median learners reported instead of their estimate.
    reported: tuple[Reported, ...] = ()

    @property
    def hours_left_whole(self) -> int:
        """The hours left in whole hours, rounded as the completion's (the same figure everywhere)."""
        return whole_hours(self.hours_left)

    @property
    def hours_left_label(self) -> str:
        return hours_left_label(self.hours_left, complete=self.finished)

    @property
    def paused(self) -> bool:
        return self.pause is not None

    @property
    def finished(self) -> bool:
        return self.hours_left <= 0

    @property
    def difference(self) -> float:
        """Hours done minus hours planned: negative when behind."""
        return self.done_hours - self.planned_hours

    @property
    def grace_hours(self) -> float:
        """Work is marked done a resource at a time (some take weeks), so being behind by less than a
        week of the plan's pace is still on track."""
        return max(ON_TRACK_MARGIN, self.hours_per_week)

    @property
    def on_track(self) -> bool:
        return self.finished or -self.difference < self.grace_hours

    @property
    def behind_hours(self) -> int:
        """Hours behind the plan, in whole hours (0 when less than half an hour, or finished)."""
        return 0 if self.finished or -self.difference < ON_TRACK_MARGIN else max(1, round(-self.difference))

    @property
    def ahead_hours(self) -> int:
        return max(0, round(self.difference))

    @property
    def plan_label(self) -> str:
        if self.plan.is_target:
            return f"plan to finish by {format_day(self.plan.target_date)}"
        return f"{format_hours(self.hours_per_week)} h/week plan"

    @property
    def standing(self) -> str:
        """Where the learner stands, in one line: "6 hours behind your 5 h/week plan"."""
        if self.finished:
            return f"Nothing left to plan: well done (your {self.plan_label})"
        if self.paused:
            return f"Paused until {format_day(self.pause.end)} (your {self.plan_label})"
        if not self.on_track:
            return f"{hours_text(self.behind_hours)} behind your {self.plan_label}"
        if self.behind_hours:
            return f"On track: {hours_text(self.behind_hours)} behind your {self.plan_label}, less than a week's work"
        if self.ahead_hours:
            return f"{hours_text(self.ahead_hours)} ahead of your {self.plan_label}"
        return f"On track with your {self.plan_label}"

    @property
    def summary(self) -> str:
        """The standing and the projected finish: what a reminder says."""
        if self.finished:
            return self.standing
        if self.finish is None:
            return f"{self.standing}; no finish in sight at this pace"
        return f"{self.standing}; projected finish {format_day(self.finish)}"


def format_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def format_hours(hours: float) -> str:
    return f"{hours:.1f}".rstrip("0").rstrip(".")


def hours_text(n: int) -> str:
    return "1 hour" if n == 1 else f"{n} hours"


# --- Days -------------------------------------------------------------------------


def learner_today(now: datetime, zone_name: str) -> date:
    """The learner's calendar day at the aware instant ``now`` (an unknown zone counts as UTC)."""
    try:
        zone = ZoneInfo(zone_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date()


def hours_by_local_day(done: Iterable[tuple[datetime, float]], zone_name: str) -> dict[date, float]:
    """(aware instant a resource was marked done, its hours) summed per the learner's local day."""
    daily: dict[date, float] = {}
    for when, hours in done:
        day = learner_today(when.astimezone(UTC), zone_name)
        daily[day] = daily.get(day, 0.0) + hours
    return daily


def merge_pauses(pauses: Iterable[Pause]) -> list[Pause]:
    """Overlapping or touching pauses as one, in order; a pause ending before it starts is ignored."""
    merged: list[Pause] = []
    for p in sorted((p for p in pauses if p.start <= p.end), key=lambda p: p.start):
        if merged and (p.start - merged[-1].end).days <= 1:
            if p.end > merged[-1].end:
                merged[-1] = Pause(merged[-1].start, p.end)
        else:
            merged.append(p)
    return merged


def active_days(first: date, last: date, pauses: list[Pause]) -> int:
    """Days from ``first`` to ``last`` (both included) that no pause covers; ``pauses`` merged."""
    if last < first:
        return 0
    n = (last - first).days + 1
    for p in pauses:
        lo, hi = max(p.start, first), min(p.end, last)
        if lo <= hi:
            n -= (hi - lo).days + 1
    return n


def nth_active_day(first: date, n: int, pauses: list[Pause]) -> date | None:
    """The ``n``-th day (n >= 1) from ``first`` on that no pause covers; ``pauses`` merged."""
    if n > HORIZON_DAYS:
        return None
    try:
        return _nth_active_day(first, n, pauses)
    except OverflowError:  # a pause up to the end of the calendar: no day after it
        return None


def _nth_active_day(first: date, n: int, pauses: list[Pause]) -> date:
    day, left = first, n
    for p in pauses:
        if p.end < day:
            continue
        if p.start > day:
            gap = (p.start - day).days
            if left <= gap:
                return day + timedelta(days=left - 1)
            left -= gap
        day = p.end + timedelta(days=1)
    return day + timedelta(days=left - 1)


def pause_on(day: date, pauses: list[Pause]) -> Pause | None:
    return next((p for p in pauses if p.covers(day)), None)


# --- From the learner's statuses ----------------------------------------------------

DONE = "done"
SKIPPED = "skipped"


@dataclass(frozen=True)
class Work:
    """A resource as the plan sees it: its stage, estimated hours, and whether it is optional."""

    id: int
    stage_id: int
    hours: float
    optional: bool = False


@dataclass(frozen=True)
class Capstone:
    """A stage's capstone as the plan sees it: its brief's estimate, left until approved (the
    approval comes from the capstones feature, as plain data, through the page layer)."""

    stage_id: int
    hours: float
    approved: bool = False
    approved_at: datetime | None = None  # aware; unknown for an approval older than the field


@dataclass(frozen=True)
class Reported:
    """A resource the plan counts at what learners reported: their median instead of the estimate."""

    resource_id: int
    estimate: float
    median: float
    answers: int


def with_reported(
    work: Iterable[Work], medians: Mapping[int, tuple[float, int]], *, min_answers: int
) -> tuple[list[Work], tuple[Reported, ...]]:
    """``work`` with the hours of each resource that at least ``min_answers`` learners answered
    replaced by their median. ``medians``: resource id to (median hours, number of answers).
    Returns the work and what was replaced, in the work's order."""
    result, reported = [], []
    for w in work:
        median, answers = medians.get(w.id, (None, 0))
        if median is not None and answers >= max(1, min_answers):
            reported.append(Reported(w.id, w.hours, float(median), answers))
            result.append(Work(id=w.id, stage_id=w.stage_id, hours=float(median), optional=w.optional))
        else:
            result.append(w)
    return result, tuple(reported)


def remaining_by_stage(
    stage_order: Iterable[int], work: Iterable[Work], statuses: Mapping[int, str], capstones: Iterable[Capstone] = ()
) -> list[StageEffort]:
    """Hours left per stage, in curriculum order: core resources neither done nor skipped, and
    capstones not yet approved.

    Optional resources are not part of the plan; a skipped one leaves it (and is not "done").
    """
    left = dict.fromkeys(stage_order, 0.0)
    for w in work:
        if w.optional or w.stage_id not in left or statuses.get(w.id) in (DONE, SKIPPED):
            continue
        left[w.stage_id] += w.hours
    for c in capstones:
        if c.stage_id in left and not c.approved:
            left[c.stage_id] += c.hours
    return [StageEffort(stage_id, hours) for stage_id, hours in left.items()]


def done_by_local_day(
    done_at: Mapping[int, datetime],
    statuses: Mapping[int, str],
    work: Iterable[Work],
    zone_name: str,
    *,
    plan: Plan | None = None,
    capstones: Iterable[Capstone] = (),
) -> dict[date, float]:
    """Hours of the core resources that are done, on the local day they were last marked done,
    and of the approved capstones on the day of their approval. With ``plan``, only what was
    done since it was stated: from its first day on, and on that day from the instant it was
    stated (``started_at``); what came before is the baseline."""
    hours = {w.id: w.hours for w in work if not w.optional}
    marks = [(when, hours[rid]) for rid, when in done_at.items() if statuses.get(rid) == DONE and rid in hours]
    # An approval without its time is of an unknown day: before the plan, so baseline.
    marks += [(c.approved_at, c.hours) for c in capstones if c.approved and c.approved_at is not None]
    daily: dict[date, float] = {}
    for when, h in marks:
        day = learner_today(when.astimezone(UTC), zone_name)
        if plan is not None and (
            day < plan.started_on or (day == plan.started_on and plan.started_at is not None and when < plan.started_at)
        ):
            continue
        daily[day] = daily.get(day, 0.0) + h
    return daily


def done_hours(statuses: Mapping[int, str], work: Iterable[Work], capstones: Iterable[Capstone] = ()) -> float:
    """Hours of all the core resources done and the capstones approved, whenever that was."""
    return sum(w.hours for w in work if not w.optional and statuses.get(w.id) == DONE) + sum(
        c.hours for c in capstones if c.approved
    )


# --- The projection ---------------------------------------------------------------


def _days_for(hours: float, per_day: float) -> int:
    # A hair of tolerance so that 5 h at 5/7 h a day is 7 days, not 8, despite floating point.
    return max(1, math.ceil(hours / per_day - 1e-9))


def project(
    plan: Plan,
    stages: Iterable[StageEffort],
    *,
    today: date,
    pauses: Iterable[Pause] = (),
    done_by_day: Mapping[date, float] | None = None,
    done_total: float | None = None,
    reported: Iterable[Reported] = (),
) -> Projection:
    """Where the learner stands against ``plan`` on their local ``today``.

    ``stages``: the hours left in each stage, in curriculum order (skipped work is
    not left). ``done_by_day``: hours of work done per local day since the plan was
    stated (``done_by_local_day`` with ``plan``). ``done_total``: all the hours done,
    whenever; what of it was not done since the plan is its baseline. ``reported``: the
    resources whose hours are learners' median (``with_reported``), kept to say so.
    """
    merged = merge_pauses(pauses)
    stages = [StageEffort(s.stage_id, max(0.0, float(s.hours_left))) for s in stages]
    left = sum(s.hours_left for s in stages)
    done = sum(h for day, h in (done_by_day or {}).items() if plan.started_on <= day <= today)
    planned_days = active_days(plan.started_on, today - timedelta(days=1), merged)

    required = None
    target_passed = False
    if plan.is_target:
        window = active_days(plan.started_on, plan.target_date, merged)
        per_day = (left + done) / window if window else 0.0
        remaining_days = active_days(today, plan.target_date, merged)
        target_passed = remaining_days == 0 and left > 0
        required = 7 * left / remaining_days if remaining_days else None
        if not window:
            # No working day between the start and the target: all of it was due at once.
            planned = left + done
        else:
            # Nothing more is planned after the target day.
            planned = per_day * active_days(plan.started_on, min(today - timedelta(days=1), plan.target_date), merged)
    else:
        per_day = (plan.hours_per_week or 0) / 7
        planned = per_day * planned_days

    projections = []
    cumulative = 0.0
    for s in stages:
        cumulative += s.hours_left
        if s.hours_left <= 0 or per_day <= 0:
            finish = None  # nothing left in this stage (or no pace to project with)
        else:
            finish = nth_active_day(today, _days_for(cumulative, per_day), merged)
        projections.append(StageProjection(s.stage_id, s.hours_left, finish))
    overall = None
    if left > 0 and per_day > 0:
        overall = nth_active_day(today, _days_for(left, per_day), merged)
    return Projection(
        plan=plan,
        today=today,
        stages=tuple(projections),
        hours_left=left,
        finish=overall,
        hours_per_week=per_day * 7,
        planned_hours=planned,
        done_hours=done,
        pause=pause_on(today, merged),
        required_hours_per_week=required,
        target_passed=target_passed,
        baseline_hours=max(0.0, (done_total or 0.0) - done),
        reported=tuple(reported),
    )
