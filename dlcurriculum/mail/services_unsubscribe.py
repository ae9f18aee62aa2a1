"""Turning reminders off from an unsubscribe link."""

import logging

from .models import Reminder
from .schedule import OFF

logger = logging.getLogger(__name__)


def stop_reminders(user) -> None:
    """Idempotent: a second click (or the mail client's one-click POST after the page's) changes nothing."""
    type(user).objects.filter(pk=user.pk).update(reminder_frequency=OFF)
    Reminder.objects.filter(user=user, status=Reminder.Status.PENDING).update(status=Reminder.Status.CANCELLED, claim=None)
    logger.info("Reminders turned off by unsubscribe link for user %s", user.pk)
