"""The learner's pace plan as an iCalendar file (RFC 5545), without Django: plain data in, .ics bytes out.

A calendar app subscribes to the feed and fetches it again on its own schedule, so every event has a
UID that stays the same from one build to the next (the learner's opaque prefix and what the event
is: a stage, a pause, the study blocks): the app then updates the event it has instead of adding a
second one when a projected date moves. What the feed holds:

- each stage's projected finish, an all-day event on the day the pace page shows (the same
  projection: progress.pace), and the target date in target-date mode;
- each pause of the plan, an all-day event over its days (both ends included: DTEND is the day
  after, as RFC 5545 counts all-day events);
- the weekly study blocks the learner chose (weekdays, a start time and a length), one recurring
  event in the learner's time zone (with its VTIMEZONE), from the week they were set until the
  projected finish, skipping the days a pause covers (EXDATE).

Only the plan: no e-mail address, no name, no note. ``stamp`` is when the plan last changed: it is
every event's DTSTAMP, so two builds of the same plan on the same day are the same bytes (the
feed's ETag).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

PRODID = "-//dlcurriculum//pace plan//EN"
# iCalendar's two-letter weekdays, in Python's date.weekday() order (Monday 0).
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# How often a calendar app should fetch the feed again (RFC 7986 REFRESH-INTERVAL): the projection
# moves at most once a day, with the learner's progress.
REFRESH = timedelta(hours=6)
# Pause days skipped by the study blocks, at most: a pause is at most a year, there are at most 30.
MAX_EXDATES = 400
# Skipped days further back than this no longer matter to anyone's calendar.
EXDATE_LOOKBACK = timedelta(days=28)


@dataclass(frozen=True)
class StageFinish:
    key: int  # the stage's id: stable across renames
    title: str
    finish: date | None  # None: nothing left in it, or no finish in sight (no event)


@dataclass(frozen=True)
class PauseDays:
    key: int  # the pause's id
    start: date
    end: date  # included
    label: str = ""


@dataclass(frozen=True)
class StudyBlocks:
    weekdays: tuple[int, ...]  # Monday 0 .. Sunday 6
    start: time  # local, in the learner's zone
    minutes: int
    since: date  # the day they were set: the first week with a block


@dataclass(frozen=True)
class PlanCalendar:
    name: str
    uid_prefix: str  # opaque and stable per learner: names nobody
    uid_domain: str
    zone: str  # the learner's time zone (an unknown one counts as UTC)
    stamp: datetime  # aware: when the plan last changed
    today: date  # the learner's local day
    stages: tuple[StageFinish, ...] = ()
    pauses: tuple[PauseDays, ...] = ()
    study: StudyBlocks | None = None
    finish: date | None = None  # the projected finish: the study blocks end on it
    target: date | None = None  # target-date mode: the day the learner wants to finish by


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _uid(cal: PlanCalendar, what: str) -> str:
    return f"{cal.uid_prefix}-{what}@{cal.uid_domain}"


def _all_day(cal: PlanCalendar, what: str, summary: str, first: date, last: date, description: str = ""):
    event = icalendar.Event()
    event.add("uid", _uid(cal, what))
    event.add("dtstamp", cal.stamp.astimezone(UTC))
    event.add("summary", summary)
    event.add("dtstart", first)
    event.add("dtend", last + timedelta(days=1))
    # Free time in free/busy: a reminder of the plan, not an appointment.
    event.add("transp", "TRANSPARENT")
    if description:
        event.add("description", description)
    return event


def first_block_day(study: StudyBlocks) -> date:
    """The first of the chosen weekdays on or after the day the blocks were set."""
    return min(study.since + timedelta(days=(d - study.since.weekday()) % 7) for d in study.weekdays)


def skipped_days(study: StudyBlocks, pauses: Iterable[PauseDays], *, today: date, until: date | None) -> list[date]:
    """The study days a pause covers, from four weeks before ``today`` to ``until``, in order (at most
    MAX_EXDATES)."""
    first = max(first_block_day(study), today - EXDATE_LOOKBACK)
    days: set[date] = set()
    for p in pauses:
        day, last = max(p.start, first), p.end if until is None else min(p.end, until)
        while day <= last and len(days) < MAX_EXDATES:
            if day.weekday() in study.weekdays:
                days.add(day)
            day += timedelta(days=1)
    return sorted(days)[:MAX_EXDATES]


def _study_event(cal: PlanCalendar, study: StudyBlocks):
    zone = _zone(cal.zone)
    start_day = first_block_day(study)
    event = icalendar.Event()
    event.add("uid", _uid(cal, "study-blocks"))
    event.add("dtstamp", cal.stamp.astimezone(UTC))
    event.add("summary", "Study: Learning Deep Learning")
    event.add("dtstart", datetime.combine(start_day, study.start, tzinfo=zone))
    event.add("duration", timedelta(minutes=study.minutes))
    rule = {"freq": "weekly", "byday": [WEEKDAYS[d] for d in sorted(study.weekdays)]}
    if cal.finish is not None:
        # RFC 5545: with a DTSTART in a time zone, UNTIL is in UTC; the last block is on the finish day.
        last = datetime.combine(cal.finish, time(23, 59, 59), tzinfo=zone)
        rule["until"] = last.astimezone(UTC)
    event.add("rrule", rule)
    skipped = skipped_days(study, cal.pauses, today=cal.today, until=cal.finish)
    if skipped:
        event.add("exdate", [datetime.combine(day, study.start, tzinfo=zone) for day in skipped])
    event.add("description", "A study block of your pace plan; none on the days of a pause.")
    return event


def build(cal: PlanCalendar) -> bytes:
    """The calendar as .ics bytes: the same plan gives the same bytes."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", cal.name)  # RFC 7986
    calendar.add("x-wr-calname", cal.name)  # what most calendar apps read
    calendar.add("x-wr-timezone", _zone(cal.zone).key)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    for stage in cal.stages:
        if stage.finish is not None:
            calendar.add_component(
                _all_day(
                    cal,
                    f"stage-{stage.key}",
                    f"Projected finish: {stage.title}",
                    stage.finish,
                    stage.finish,
                    "The day your pace plan projects you to finish this stage; it moves with your progress.",
                )
            )
    if cal.target is not None:
        calendar.add_component(
            _all_day(cal, "target", "Target: finish the curriculum", cal.target, cal.target, "Your plan's target date.")
        )
    for pause in cal.pauses:
        summary = f"Pause: {pause.label}" if pause.label else "Pause"
        calendar.add_component(
            _all_day(cal, f"pause-{pause.key}", summary, pause.start, pause.end, "No work planned, no reminders.")
        )
    if cal.study is not None and cal.study.weekdays:
        calendar.add_component(_study_event(cal, cal.study))
        start = first_block_day(cal.study)
        end = max(cal.finish or start, cal.today, start) + timedelta(days=366)
        calendar.add_missing_timezones(first_date=start - timedelta(days=366), last_date=end)
    return calendar.to_ical()
