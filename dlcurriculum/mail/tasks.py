from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from .reminders import run_reminder_pass
from .services import prune_sent_emails


@shared_task(name="mail.send_reminders", autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def send_reminders() -> dict:
    """The hourly pass (Celery beat). Safe to run twice at once or again after a crash."""
    result = run_reminder_pass()
    if result.retrying:
        # Failed sends wait for their backoff; look again then rather than at the next hourly run.
        send_reminders.apply_async(countdown=settings.REMINDER_RETRY_BASE_SECONDS)
    return result.as_dict()


@shared_task(name="mail.prune_sent_emails", autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def prune_sent_email_records() -> int:
    """Daily (Celery beat): drop sent-mail records past their retention. Safe to run twice."""
    return prune_sent_emails()
