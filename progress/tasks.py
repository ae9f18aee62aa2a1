from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from .reminders.sending import run_reminder_pass


# The task keeps its historical name: the beat schedule and messages already queued use it.
@shared_task(name="mail.send_reminders", autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def send_reminders() -> dict:
    """The hourly pass (Celery beat). Safe to run twice at once or again after a crash."""
    result = run_reminder_pass()
    if result.retrying:
        # Failed sends wait for their backoff; look again then rather than at the next hourly run.
        send_reminders.apply_async(countdown=settings.REMINDER_RETRY_BASE_SECONDS)
    return result.as_dict()
