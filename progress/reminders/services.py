"""Writes of the reminders feature outside the hourly pass."""

import logging

from django.conf import settings
from django.urls import reverse

from progress.models import Reminder

from .schedule import OFF

logger = logging.getLogger(__name__)


def preferences_url() -> str:
    """Where a learner changes reminder settings: the profile page."""
    return settings.SITE_URL + reverse("users:profile")


def stop_reminders(user) -> None:
    """Turn reminders off (unsubscribe link). Idempotent: a second click or the one-click POST changes nothing."""
    type(user).objects.filter(pk=user.pk).update(reminder_frequency=OFF)
    Reminder.objects.filter(user=user, status=Reminder.Status.PENDING).update(
        status=Reminder.Status.CANCELLED, claim=None
    )
    logger.info("Reminders turned off by unsubscribe link for user %s", user.pk)
