from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from . import outbox
from .reminders import run_reminder_pass
from .services import prune_sent_emails

# An attempt is bounded by the SMTP timeout (connect, then each reply); the limit leaves room for both.
_DELIVER_LIMIT = settings.EMAIL_TIMEOUT * 3 + 10


@shared_task(
    name="mail.deliver",
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=_DELIVER_LIMIT,
    time_limit=_DELIVER_LIMIT + 10,
)
def deliver(sent_email_id: int) -> str:
    """Send one queued e-mail. Safe to run twice: the record's lease lets one attempt through."""
    return outbox.deliver(sent_email_id)


@shared_task(
    name="mail.deliver_due",
    autoretry_for=(DatabaseError,),
    max_retries=1,
    soft_time_limit=settings.EMAIL_OUTBOX_SWEEP_LIMIT_SECONDS,
    time_limit=settings.EMAIL_OUTBOX_SWEEP_LIMIT_SECONDS + 30,
)
def deliver_due() -> dict:
    """Celery beat, every EMAIL_OUTBOX_SWEEP_SECONDS: retries, and e-mails whose task never reached a worker."""
    return outbox.deliver_due()


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
