"""Writes to a learner's progress.

Each write is one ``changes.atomic`` block that notes the learner when it changed something:
their change stamp (the dashboard's cache key) moves once per action, in its transaction.
"""

from __future__ import annotations

import secrets
from datetime import date, time

from django.db.models import F
from django.utils import timezone

from dlcurriculum.users import changes
from stages.models import Resource

from . import time_spent
from .models import Activity, CompletionRecord, PacePlan, Pause, Reminder, ResourceProgress, Status, TimeSpent


def _locked_row(user, resource: Resource) -> ResourceProgress:
    """The learner's row for ``resource``, created if missing, locked until the transaction ends.

    INSERT ... ON CONFLICT DO NOTHING on the unique (user, resource) constraint
    means two simultaneous requests can never create two rows; the row lock then
    serialises them so the second sees what the first wrote.
    """
    ResourceProgress.objects.bulk_create(
        [ResourceProgress(user=user, resource=resource)],
        ignore_conflicts=True,
    )
    return ResourceProgress.objects.select_for_update().get(user=user, resource=resource)


@changes.atomic
def set_status(user, resource: Resource, status: str) -> tuple[ResourceProgress | None, bool]:
    """Set the learner's status on ``resource``; returns (row, changed).

    Setting the status it already has changes nothing and logs no activity, so a
    double click counts once. "Not started" on an untouched resource creates no row.
    """
    if status not in Status.values:
        raise ValueError(f"Unknown status {status!r}")
    if status == Status.NOT_STARTED and not ResourceProgress.objects.filter(user=user, resource=resource).exists():
        return None, False
    row = _locked_row(user, resource)
    if row.status == status:
        return row, False
    row.status = status
    row.save(update_fields=["status", "updated_at"])
    Activity.objects.create(user=user, resource=resource, status=status)
    changes.note_change(user.pk)
    return row, True


@changes.atomic
def open_resource(user, resource: Resource) -> ResourceProgress:
    """The learner opens ``resource`` to work on it: "not started" becomes "in progress";
    done or skipped stay as they are. Its row is touched either way, so it is where the
    learner was (what "Continue" leads back to), and it is activity either way (with no status
    when the status stays): reminders stay quiet, and the dashboard's cache key moves on."""
    row = _locked_row(user, resource)
    if row.status == Status.NOT_STARTED:
        row.status = Status.IN_PROGRESS
        row.save(update_fields=["status", "updated_at"])
        Activity.objects.create(user=user, resource=resource, status=row.status)
    else:
        row.save(update_fields=["updated_at"])
        Activity.objects.create(user=user, resource=resource, status="")
    changes.note_change(user.pk)
    return row


@changes.atomic
def save_note(user, resource: Resource, note: str) -> tuple[ResourceProgress, bool]:
    """Replace the learner's private note on ``resource``; returns (row, changed)."""
    note = note.replace("\r\n", "\n").strip()
    max_length = ResourceProgress._meta.get_field("note").max_length
    if len(note) > max_length:
        raise ValueError(f"A note can be at most {max_length} characters long.")
    row = _locked_row(user, resource)
    if row.note == note:
        return row, False
    row.note = note
    row.save(update_fields=["note", "updated_at"])
    # A note is activity too (it keeps reminders quiet), with no status change.
    Activity.objects.create(user=user, resource=resource, status="")
    changes.note_change(user.pk)
    return row, True


@changes.atomic
def answer_time_spent(user, resource: Resource, hours: float | None) -> tuple[TimeSpent, bool]:
    """Record how long ``resource`` took the learner (``hours``), or that they skipped the question
    (None: it is not asked again); returns (answer, changed). Only for a resource they marked done;
    answering again replaces the answer. Raises ValueError for hours out of bounds or a resource
    not done (nothing is written: the done mark stays as it is)."""
    minutes = None if hours is None else time_spent.minutes_from_hours(hours)
    row = ResourceProgress.objects.select_for_update().filter(user=user, resource=resource).first()
    if row is None or row.status != Status.DONE:
        raise ValueError("Mark the resource done first, then say how long it took.")
    answer, created = TimeSpent.objects.get_or_create(user=user, resource=resource, defaults={"minutes": minutes})
    if not created:
        if answer.minutes == minutes or (minutes is None and answer.minutes is not None):
            # The same answer again, or a skip after an answer (a second tab): the answer stays.
            return answer, False
        answer.minutes, answer.answered_at = minutes, timezone.now()
        answer.save(update_fields=["minutes", "answered_at"])
    changes.note_change(user.pk)
    return answer, True


@changes.atomic
def record_completion(user, *, public: bool) -> CompletionRecord:
    """Keep (or update the visibility of) the learner's completion record. The caller has
    checked that the curriculum is complete; the first completion date stays."""
    record, _ = CompletionRecord.objects.update_or_create(user=user, defaults={"is_public": public})
    changes.note_change(user.pk)
    return record


@changes.atomic
def erase_progress(user) -> None:
    """Everything of the learner's progress (registered with dlcurriculum.users.lifecycle)."""
    Pause.objects.filter(user=user).delete()
    PacePlan.objects.filter(user=user).delete()
    CompletionRecord.objects.filter(user=user).delete()
    Reminder.objects.filter(user=user).delete()
    Activity.objects.filter(user=user).delete()
    TimeSpent.objects.filter(user=user).delete()
    ResourceProgress.objects.filter(user=user).delete()
    changes.note_change(user.pk)


# --- Pace plan --------------------------------------------------------------------

MAX_PAUSES = 30


@changes.atomic
def set_pace_plan(user, *, today: date, hours_per_week: int | None = None, target_date: date | None = None) -> PacePlan:
    """State (or restate) the learner's plan: hours per week or a date to finish by. A new or
    changed plan starts on the learner's ``today``, now (what is done by then is its baseline);
    saving the same plan again keeps its start."""
    if (hours_per_week is None) == (target_date is None):
        raise ValueError("A plan is either hours per week or a target date.")
    goal = {"hours_per_week": hours_per_week, "target_date": target_date}
    plan, created = PacePlan.objects.select_for_update().get_or_create(
        user=user, defaults={**goal, "started_on": today, "started_at": timezone.now()}
    )
    if created:
        changes.note_change(user.pk)
        return plan
    if (plan.hours_per_week, plan.target_date) == (hours_per_week, target_date):
        return plan  # the same plan: nothing changed
    plan.hours_per_week, plan.target_date, plan.started_on = hours_per_week, target_date, today
    plan.started_at = timezone.now()
    plan.version = F("version") + 1
    plan.save()
    plan.refresh_from_db(fields=["version"])
    changes.note_change(user.pk)
    return plan


@changes.atomic
def clear_pace_plan(user) -> bool:
    """Drop the plan (pauses stay: they still stop reminders). True when there was one."""
    deleted, _ = PacePlan.objects.filter(user=user).delete()
    if deleted:
        changes.note_change(user.pk)
    return bool(deleted)


@changes.atomic
def add_pause(user, *, start: date, end: date, label: str = "") -> Pause:
    if end < start:
        raise ValueError("A pause ends on or after the day it starts.")
    if Pause.objects.filter(user=user).count() >= MAX_PAUSES:
        raise ValueError(f"At most {MAX_PAUSES} pauses: remove an old one first.")
    pause = Pause.objects.create(user=user, start=start, end=end, label=label.strip())
    changes.note_change(user.pk)
    return pause


@changes.atomic
def remove_pause(user, pause_id: int) -> bool:
    """Remove one of the learner's own pauses; another learner's id removes nothing."""
    deleted, _ = Pause.objects.filter(user=user, pk=pause_id).delete()
    if deleted:
        changes.note_change(user.pk)
    return bool(deleted)


# --- The calendar feed (progress.selectors.plan_calendar) ----------------------------------


@changes.atomic
def reset_calendar_feed(user) -> PacePlan | None:
    """Turn the learner's calendar feed on, or give it a new address: a new secret, so every URL
    handed out before stops working (404). None without a plan: there is nothing to put in it."""
    plan = PacePlan.objects.select_for_update().filter(user=user).first()
    if plan is None:
        return None
    plan.feed_secret = secrets.token_hex(32)
    plan.save(update_fields=["feed_secret", "updated_at"])
    changes.note_change(user.pk)
    return plan


@changes.atomic
def stop_calendar_feed(user) -> bool:
    """Turn the feed off: its URL answers 404 until the learner turns it on again (a new URL).
    True when it was on."""
    stopped = (
        PacePlan.objects.filter(user=user).exclude(feed_secret="").update(feed_secret="", updated_at=timezone.now())
    )
    if stopped:
        changes.note_change(user.pk)
    return bool(stopped)


@changes.atomic
def set_study_blocks(user, *, today: date, weekdays=(), start: time | None = None, minutes: int | None = None) -> bool:
    """The weekly study blocks of the learner's calendar feed: weekdays (Monday 0), a local start
    time and a length in minutes; no weekdays removes them. Changed blocks start in the learner's
    ``today`` week; the same blocks saved again keep their start. False without a plan."""
    days = ",".join(str(d) for d in sorted({int(d) for d in weekdays}))
    if days and (start is None or minutes is None):
        raise ValueError("Study blocks need a start time and a length.")
    if not days:
        start = minutes = None
    plan = PacePlan.objects.select_for_update().filter(user=user).first()
    if plan is None:
        return False
    if (plan.study_days, plan.study_start, plan.study_minutes) == (days, start, minutes):
        return True
    plan.study_days, plan.study_start, plan.study_minutes = days, start, minutes
    plan.study_since = today if days else None
    plan.save(update_fields=["study_days", "study_start", "study_minutes", "study_since", "updated_at"])
    changes.note_change(user.pk)
    return True
