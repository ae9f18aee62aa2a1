from celery import shared_task
from django.db import DatabaseError

from .services import prune_sent_emails


@shared_task(name="mail.prune_sent_emails", autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def prune_sent_email_records() -> int:
    """Daily (Celery beat): drop sent-mail records past their retention. Safe to run twice."""
    return prune_sent_emails()
