"""A learner's progress data for the account export (registered with dlcurriculum.users.lifecycle;
erasing is ``services.erase_progress``)."""

import calendar

from .models import Activity, CompletionRecord, PacePlan, Pause, Reminder, ResourceProgress, TimeSpent

PROGRESS_FIELDS = (
    "stage",
    "resource_key",
    "resource_title",
    "resource_url",
    "status",
    "note",
    "created_at",
    "updated_at",
)
ACTIVITY_FIELDS = ("created_at", "resource_key", "resource_title", "status")
REMINDER_FIELDS = ("period", "status", "created_at", "sent_at")
# The study blocks of the calendar feed are the learner's choice, so they are here; the feed's secret
# is a credential (its URL's key), never part of the export.
PACE_PLAN_FIELDS = (
    "hours_per_week",
    "target_date",
    "started_on",
    "started_at",
    "updated_at",
    "study_days",
    "study_start",
    "study_minutes",
    "study_since",
)
PAUSE_FIELDS = ("start", "end", "label", "created_at")
COMPLETION_FIELDS = ("completed_at", "is_public")
TIME_SPENT_FIELDS = ("resource_key", "resource_title", "minutes", "answered_at")


def _weekday_names(days: str) -> str:
    """ "0,2" as "Monday, Wednesday": the export is read by people."""
    return ", ".join(calendar.day_name[int(d)] for d in days.split(",")) if days else ""


def _iso(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else value


def export_progress(user) -> dict[str, list[dict]]:
    """The learner's progress rows, activity, reminders, completion record, pace plan, pauses and
    answers of how long a resource took (``minutes`` None: the question skipped) as plain values (7 queries)."""
    progress = [
        {
            "stage": row.resource.stage.slug,
            "resource_key": row.resource.key,
            "resource_title": row.resource.title,
            "resource_url": row.resource.url,
            "status": row.status,
            "note": row.note,
            "created_at": _iso(row.created_at),
            "updated_at": _iso(row.updated_at),
        }
        for row in ResourceProgress.objects.filter(user=user)
        .select_related("resource__stage")
        .order_by("resource__stage__order", "resource__order")
    ]
    activity = [
        {
            "created_at": _iso(a.created_at),
            # The resource may have been deleted since; the entry stays.
            "resource_key": a.resource.key if a.resource else "",
            "resource_title": a.resource.title if a.resource else "",
            "status": a.status,
        }
        for a in Activity.objects.filter(user=user).select_related("resource").order_by("created_at", "id")
    ]
    reminders = [
        {
            "period": r.period,
            "status": r.status,
            "created_at": _iso(r.created_at),
            "sent_at": _iso(r.sent_at) if r.sent_at else None,
        }
        for r in Reminder.objects.filter(user=user).order_by("created_at", "pk")
    ]
    completion = [
        {"completed_at": _iso(r.completed_at), "is_public": r.is_public}
        for r in CompletionRecord.objects.filter(user=user)
    ]
    pace_plan = [
        {field: _iso(getattr(plan, field)) for field in PACE_PLAN_FIELDS}
        | {"study_days": _weekday_names(plan.study_days)}
        for plan in PacePlan.objects.filter(user=user)
    ]
    pauses = [{field: _iso(getattr(p, field)) for field in PAUSE_FIELDS} for p in Pause.objects.filter(user=user)]
    time_spent = [
        {
            "resource_key": t.resource.key,
            "resource_title": t.resource.title,
            "minutes": t.minutes,
            "answered_at": _iso(t.answered_at),
        }
        for t in TimeSpent.objects.filter(user=user)
        .select_related("resource__stage")
        .order_by("resource__stage__order", "resource__order")
    ]
    return {
        "progress": progress,
        "time_spent": time_spent,
        "activity": activity,
        "reminders": reminders,
        "completion": completion,
        "pace_plan": pace_plan,
        "pauses": pauses,
    }
