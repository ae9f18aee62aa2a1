"""What of the reminders expires (registered with dlcurriculum.retention in ProgressConfig.ready)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from progress.models import Reminder


def expired_reminders(now: datetime):
    """Reminders settled (sent, failed or cancelled) more than ``REMINDER_RETENTION_DAYS`` ago.

    A reminder row is also what keeps its period from being sent twice, so only rows whose period
    can never come back go: a weekly period names a week that has passed, but an inactivity
    period ("inactive:<since>:<n>") repeats its last key for as long as the learner stays away
    (the n-th reminder is capped), so the newest inactivity row of a learner is kept until a newer
    one supersedes it, and a learner away for years is not reminded again.
    """
    cutoff = now - timedelta(days=settings.REMINDER_RETENTION_DAYS)
    newer_inactivity = Reminder.objects.filter(
        user_id=OuterRef("user_id"), period__startswith="inactive:", created_at__gt=OuterRef("created_at")
    )
    return (
        Reminder.objects.filter(created_at__lt=cutoff)
        .exclude(status=Reminder.Status.PENDING)
        .filter(Q(period__startswith="weekly:") | (Q(period__startswith="inactive:") & Exists(newer_inactivity)))
    )
