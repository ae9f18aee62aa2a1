from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from . import outbox

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
