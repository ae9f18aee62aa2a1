"""When a learner is due a reminder, without Django: data in, data out.

Times are aware datetimes in UTC; the decision is made in the learner's own time
zone (zoneinfo), so a preferred hour of 9 means 09:00 on their clock in summer
and in winter. Each reminder belongs to a *period*; its key is what the
exactly-once record is unique on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

OFF = "off"
WEEKLY = "weekly"
INACTIVITY = "inactivity"


@dataclass(frozen=True)
class Preferences:
    frequency: str
    inactivity_days: int
    hour: int
    timezone: str
    weekday: int = 0  # weekly reminders: Monday 0 … Sunday 6, on the learner's calendar


def learner_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # The form validates names; an unknown one in old data falls back rather than stopping the run.
        return ZoneInfo("UTC")


def slot_start(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """The instant ``hour``:00 on the learner's ``day``, in UTC.

    On a spring-forward day an hour that does not exist (02:00 in Europe) maps to
    the instant just after the gap (03:00 summer time); on a fall-back day an
    hour that happens twice is its first occurrence.
    """
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def current_slot(prefs: Preferences, now: datetime, window: timedelta) -> tuple[date, datetime] | None:
    """The learner's local day and send slot that ``now`` falls in, if any.

    A slot opens at the preferred hour and stays open for ``window`` so that a
    missed hourly run is caught up by the next one instead of waiting a day.
    """
    zone = learner_zone(prefs.timezone)
    today = now.astimezone(zone).date()
    for day in (today, today - timedelta(days=1)):
        start = slot_start(day, prefs.hour, zone)
        if start <= now < start + window:
            return day, start
    return None


def due_period(
    prefs: Preferences,
    *,
    last_active: datetime,
    now: datetime,
    window: timedelta = timedelta(hours=3),
    max_inactivity_reminders: int = 3,
) -> str | None:
    """The key of the reminder period the learner is due for at ``now``, or None.

    Weekly: one reminder per ISO week of the learner's calendar, at the first
    slot on or after their chosen weekday that a run sees (a day of failed runs
    is caught up the next day, within the same week). Inactivity: the n-th
    reminder of an inactive stretch is due at the first slot at least
    n × interval after the last activity; after ``max_inactivity_reminders``
    unanswered ones we let them go until they come back (coming back starts a
    new stretch).
    """
    if prefs.frequency == OFF:
        return None
    slot = current_slot(prefs, now, window)
    if slot is None:
        return None
    day, start = slot
    if prefs.frequency == WEEKLY:
        if day.weekday() < prefs.weekday:
            return None
        iso = day.isocalendar()
        return f"weekly:{iso.year}-W{iso.week:02d}"
    if prefs.frequency == INACTIVITY:
        interval = timedelta(days=max(1, prefs.inactivity_days))
        elapsed = (start - last_active) // interval
        if elapsed < 1:
            return None
        nth = min(elapsed, max_inactivity_reminders)
        since = last_active.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        return f"inactive:{since}:{nth}"
    return None
