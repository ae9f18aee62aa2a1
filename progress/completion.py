"""Completion arithmetic, "next up" and the activity chart, without Django: data in, data out.

Optional resources are tracked like any other but are not part of a stage's
completion: a stage is complete when every core resource is done or skipped.

*Hours left*, wherever shown (the dashboard, the stage pages, the pace page, with
progress.pace giving the same figure): the estimates of the core resources neither
done nor skipped and of the capstone projects until approved; optional and skipped
resources are not counted (templates/progress/_hours_counted.html says so).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

DONE = "done"
SKIPPED = "skipped"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"
FINISHED = frozenset({DONE, SKIPPED})


def whole_hours(hours: float) -> int:
    """Estimated hours as shown: whole hours, halves rounded up, never below 0. One rounding for
    every "hours left" (the completion's and the pace plan's), so the same hours read the same."""
    return max(0, math.floor(hours + 0.5 + 1e-9))


def hours_left_label(hours: float, *, complete: bool) -> str:
    """The "hours left" as a learner reads it: a finished stage is "complete", never "0 hours left"."""
    if complete:
        return "complete"
    n = whole_hours(hours)
    if n == 0:
        return "less than an hour left" if hours > 0 else "no estimated hours left"
    return "about 1 hour left" if n == 1 else f"about {n} hours left"


@dataclass(frozen=True)
class ResourceInfo:
    id: int
    stage_id: int
    order: int
    created_at: datetime
    optional: bool = False
    effort_hours: float = 0.0  # the estimate; 0 when the curriculum gives none


@dataclass(frozen=True)
class ProgressInfo:
    resource_id: int
    status: str
    created_at: datetime


@dataclass
class StageCompletion:
    stage_id: int
    total: int = 0
    done: int = 0
    skipped: int = 0
    in_progress: int = 0
    new: int = 0
    optional_total: int = 0
    optional_done: int = 0
    started_at: datetime | None = None
    new_resource_ids: set[int] = field(default_factory=set)
    # A capstone stage is complete only once its capstone is approved (told by the page layer).
    has_capstone: bool = False
    capstone_approved: bool = False
    # Estimated hours of the core resources (and the capstone, once marked); skipped ones leave the total.
    effort_total: float = 0.0
    effort_done: float = 0.0
    effort_skipped: float = 0.0

    @property
    def hours_left(self) -> int:
        """Hours still ahead, rounded to whole hours: the remaining work minus what is done; what
        was skipped is not ahead."""
        return whole_hours(self.effort_total - self.effort_done - self.effort_skipped)

    @property
    def hours_left_label(self) -> str:
        """ "complete", or "about 12 hours left" (what is counted: see the module's docstring)."""
        return hours_left_label(self.effort_total - self.effort_done - self.effort_skipped, complete=self.is_complete)

    @property
    def hours_skipped(self) -> int:
        return whole_hours(self.effort_skipped)

    @property
    def finished(self) -> int:
        return self.done + self.skipped

    @property
    def not_started(self) -> int:
        return self.total - self.finished - self.in_progress

    @property
    def resources_finished(self) -> bool:
        return self.total > 0 and self.finished == self.total

    @property
    def is_complete(self) -> bool:
        if self.has_capstone:
            return self.capstone_approved and self.finished == self.total
        return self.resources_finished

    @property
    def has_resources(self) -> bool:
        return self.total > 0

    @property
    def is_started(self) -> bool:
        return self.started_at is not None

    def _percent(self, n: int) -> int:
        # Floor, so 100 % is shown only when it is true.
        return (100 * n) // self.total if self.total else 0

    @property
    def percent_done(self) -> int:
        return self._percent(self.done)

    @property
    def percent_skipped(self) -> int:
        return self._percent(self.skipped)

    @property
    def percent_in_progress(self) -> int:
        return self._percent(self.in_progress)

    @property
    def percent_finished(self) -> int:
        return self._percent(self.finished)

    # Bar geometry on a 0..100 scale, for the SVG progress bars.
    def _share(self, n: int) -> float:
        return round(100 * n / self.total, 2) if self.total else 0.0

    @property
    def bar_done(self) -> float:
        return self._share(self.done)

    @property
    def bar_skipped(self) -> float:
        return self._share(self.skipped)

    @property
    def bar_in_progress(self) -> float:
        return self._share(self.in_progress)

    @property
    def bar_skipped_x(self) -> float:
        return self.bar_done

    @property
    def bar_in_progress_x(self) -> float:
        return round(self.bar_done + self.bar_skipped, 2)

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "done": self.done,
            "skipped": self.skipped,
            "in_progress": self.in_progress,
            "new": self.new,
            "percent_done": self.percent_done,
            "percent_skipped": self.percent_skipped,
            "complete": self.is_complete,
        }


def stage_completions(
    stage_ids: Iterable[int], resources: Iterable[ResourceInfo], progress: Iterable[ProgressInfo]
) -> dict[int, StageCompletion]:
    """Completion of each stage for one learner.

    A resource is "new" to the learner when it was added to a stage after they
    started it (their first row in that stage) and they have not touched it yet.
    """
    result = {stage_id: StageCompletion(stage_id) for stage_id in stage_ids}
    resources = list(resources)
    by_resource = {p.resource_id: p for p in progress}
    stage_of = {r.id: r.stage_id for r in resources}
    for p in by_resource.values():
        stage = result.get(stage_of.get(p.resource_id))
        if stage is not None and (stage.started_at is None or p.created_at < stage.started_at):
            stage.started_at = p.created_at
    for r in resources:
        stage = result.setdefault(r.stage_id, StageCompletion(r.stage_id))
        p = by_resource.get(r.id)
        status = p.status if p else NOT_STARTED
        if p is None and stage.started_at is not None and r.created_at > stage.started_at:
            stage.new += 1
            stage.new_resource_ids.add(r.id)
        if r.optional:
            stage.optional_total += 1
            stage.optional_done += status == DONE
            continue
        stage.total += 1
        stage.effort_total += r.effort_hours
        if status == DONE:
            stage.done += 1
            stage.effort_done += r.effort_hours
        elif status == SKIPPED:
            stage.skipped += 1
            stage.effort_skipped += r.effort_hours
        elif status == IN_PROGRESS:
            stage.in_progress += 1
    return result


def overall(completions: Iterable[StageCompletion]) -> StageCompletion:
    completions = list(completions)
    total = StageCompletion(stage_id=0)
    for c in completions:
        total.total += c.total
        total.done += c.done
        total.skipped += c.skipped
        total.in_progress += c.in_progress
        total.new += c.new
        total.optional_total += c.optional_total
        total.optional_done += c.optional_done
        total.effort_total += c.effort_total
        total.effort_done += c.effort_done
        total.effort_skipped += c.effort_skipped
    # The whole curriculum is complete only with every capstone approved, as each stage is.
    capstones = [c for c in completions if c.has_capstone]
    total.has_capstone = bool(capstones)
    total.capstone_approved = all(c.capstone_approved for c in capstones)
    return total


def mark_capstones(
    completions: Mapping[int, StageCompletion],
    capstone_stage_ids: Iterable[int],
    approved_stage_ids: Iterable[int],
    effort_hours: Mapping[int, float] | None = None,
) -> None:
    """Tell each stage whether it has a capstone, whether the learner's capstone there is
    approved, and the capstone's estimated hours (part of the stage's effort, done once approved)."""
    approved = set(approved_stage_ids)
    effort_hours = effort_hours or {}
    for stage_id in capstone_stage_ids:
        c = completions.get(stage_id)
        if c is not None and not c.has_capstone:
            c.has_capstone = True
            c.capstone_approved = stage_id in approved
            hours = effort_hours.get(stage_id, 0.0)
            c.effort_total += hours
            if c.capstone_approved:
                c.effort_done += hours


def curriculum_complete(completions: Iterable[StageCompletion]) -> bool:
    """Every stage with something to do is complete."""
    relevant = [c for c in completions if c.total or c.has_capstone]
    return bool(relevant) and all(c.is_complete for c in relevant)


def next_stage_after(stage_order: list[int], stage_id: int) -> int | None:
    i = stage_order.index(stage_id) if stage_id in stage_order else -1
    return stage_order[i + 1] if 0 <= i < len(stage_order) - 1 else None


def current_stage_id(stage_order: list[int], completions: Mapping[int, StageCompletion]) -> int | None:
    """The earliest stage (in curriculum order) with core resources not all done or skipped."""
    for stage_id in stage_order:
        c = completions.get(stage_id)
        if c is not None and c.has_resources and not c.resources_finished:
            return stage_id
    return None


def next_up(
    stage_order: list[int], resources: Iterable[ResourceInfo], statuses: Mapping[int, str], completions
) -> int | None:
    """The first core resource, in seed order, that is neither done nor skipped in the earliest unfinished stage."""
    stage_id = current_stage_id(stage_order, completions)
    if stage_id is None:
        return None
    candidates = sorted((r for r in resources if r.stage_id == stage_id and not r.optional), key=lambda r: r.order)
    for r in candidates:
        if statuses.get(r.id, NOT_STARTED) not in FINISHED:
            return r.id
    return None


def resume(
    stage_order: list[int],
    resources: Iterable[ResourceInfo],
    progress: Iterable[tuple[int, str, datetime]],
    completions,
    *,
    stage_id: int | None = None,
) -> int | None:
    """The resource to continue with: the one the learner last worked on while it is
    still in progress (where they were), otherwise the next one up.

    ``progress`` holds (resource id, status, last change). With ``stage_id`` only that
    stage counts (the stage page), so its action never leads to another stage.
    """
    resources = [r for r in resources if stage_id is None or r.stage_id == stage_id]
    known = {r.id for r in resources}
    in_progress = [(changed, rid) for rid, status, changed in progress if status == IN_PROGRESS and rid in known]
    if in_progress:
        return max(in_progress)[1]
    statuses = {rid: status for rid, status, _ in progress}
    if stage_id is not None:
        candidates = sorted((r for r in resources if not r.optional), key=lambda r: r.order)
        return next((r.id for r in candidates if statuses.get(r.id, NOT_STARTED) not in FINISHED), None)
    return next_up(stage_order, resources, statuses, completions)


# --- Activity chart -------------------------------------------------------------


@dataclass(frozen=True)
class WeekBar:
    week_start: date
    count: int
    x: int
    y: int
    height: int
    label: str = ""


@dataclass(frozen=True)
class ActivityChart:
    weeks: list[WeekBar]
    width: int
    height: int
    max_count: int
    total: int
    bar_width: int
    plot_height: int

    @property
    def first_week(self) -> date:
        return self.weeks[0].week_start

    @property
    def last_week(self) -> date:
        return self.weeks[-1].week_start


def week_start(day: date) -> date:
    """Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def chart_window_start(today: date, weeks: int = 26) -> date:
    """The Monday that starts the chart: ``weeks`` weeks ending with the current one."""
    return week_start(today) - timedelta(weeks=weeks - 1)


def weekly_counts(daily: Mapping[date, int], today: date, weeks: int = 26) -> list[tuple[date, int]]:
    """Sum per-day counts into the last ``weeks`` calendar weeks (Monday first), oldest first, gaps as 0."""
    first = chart_window_start(today, weeks)
    buckets = {first + timedelta(weeks=i): 0 for i in range(weeks)}
    for day, n in daily.items():
        monday = week_start(day)
        if monday in buckets:
            buckets[monday] += n
    return sorted(buckets.items())


def activity_chart(
    weekly: list[tuple[date, int]], *, bar_width: int = 14, gap: int = 4, plot_height: int = 80
) -> ActivityChart:
    """Bar geometry for an SVG: one bar per week, scaled to the busiest week."""
    max_count = max((n for _, n in weekly), default=0)
    bars = []
    for i, (monday, n) in enumerate(weekly):
        h = round(plot_height * n / max_count) if max_count else 0
        if n and h < 2:
            h = 2  # a week with any activity stays visible
        # Name the month under the first week that starts in it.
        label = monday.strftime("%b") if monday.day <= 7 else ""
        bars.append(
            WeekBar(week_start=monday, count=n, x=i * (bar_width + gap), y=plot_height - h, height=h, label=label)
        )
    width = len(weekly) * (bar_width + gap) - gap if weekly else 0
    return ActivityChart(
        weeks=bars,
        width=max(width, 0),
        height=plot_height + 18,
        max_count=max_count,
        total=sum(n for _, n in weekly),
        bar_width=bar_width,
        plot_height=plot_height,
    )
