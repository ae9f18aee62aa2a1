"""The one place the app's own e-mails are built and sent.

Each message has three templates under ``templates/mail/``: ``<name>_subject.txt``,
``<name>.txt`` and ``<name>.html``. Every e-mail sent through ``send_templated``
is recorded (``SentEmail``): to whom, which template, why, and how it went.
"""

import logging
import smtplib
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .delivery import BatchSender, Outcome
from .models import SentEmail

logger = logging.getLogger(__name__)


def build_message(
    *, to: Sequence[str], template: str, context: dict, headers: dict | None = None
) -> EmailMultiAlternatives:
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"mail/{template}_subject.txt", context).split())
    text = render_to_string(f"mail/{template}.txt", context)
    html = render_to_string(f"mail/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    return message


class DeliveryFailed(smtplib.SMTPException):
    """The mail server refused the message or could not be reached; ``permanent`` says whether to retry.

    An ``SMTPException`` so callers that retried on SMTP errors keep doing so.
    """

    def __init__(self, record: SentEmail, permanent: bool):
        super().__init__(record.last_error)
        self.record = record
        self.permanent = permanent


def send_templated(
    *,
    to: Sequence[str],
    template: str,
    context: dict,
    headers: dict | None = None,
    reason: str = "",
    user=None,
    key: str | None = None,
    connection=None,
) -> SentEmail:
    """Render, send and record one e-mail.

    ``key`` makes the call idempotent: a task retried after a crash or a failed
    send calls again with the same key and the e-mail goes out at most once
    (concurrent callers with one key wait for each other). Raises
    ``DeliveryFailed`` when the server refuses or is unreachable; the failure is
    recorded first, and ``permanent`` tells a task whether retrying can help.
    """
    message = build_message(to=to, template=template, context=context, headers=headers)
    fields = {
        "to": ", ".join(to)[:1000],
        "template": template,
        "reason": (reason or template)[:200],
        "subject": message.subject[:300],
        "user": user,
    }
    with transaction.atomic():
        if key is None:
            record = SentEmail.objects.create(**fields)
        else:
            # The row lock serialises two workers sending under the same key.
            record, _ = SentEmail.objects.select_for_update().get_or_create(key=key, defaults=fields)
            if record.status != SentEmail.Status.QUEUED:
                # Sent already, or failed for good: never again under this key.
                return record
        with BatchSender(connection) as sender:
            delivery = sender.send(message)
        record.attempts += 1
        if delivery.outcome is Outcome.SENT:
            record.status = SentEmail.Status.SENT
            record.sent_at = timezone.now()
            record.last_error = ""
        else:
            record.last_error = delivery.error
            if delivery.outcome is Outcome.PERMANENT:
                record.status = SentEmail.Status.FAILED
        record.save(update_fields=["status", "sent_at", "last_error", "attempts"])
    if delivery.outcome is not Outcome.SENT:
        raise DeliveryFailed(record, permanent=delivery.outcome is Outcome.PERMANENT)
    return record


def prune_sent_emails(*, now=None) -> int:
    """Delete records of e-mails sent or failed more than ``SENT_EMAIL_RETENTION_DAYS`` ago.

    Queued ones stay whatever their age: they are still to be delivered. The records keep
    addresses, so they go once they no longer help anyone; keyed records guard against a
    retried task sending twice, which happens within hours, not months.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.SENT_EMAIL_RETENTION_DAYS)
    finished = [SentEmail.Status.SENT, SentEmail.Status.FAILED]
    deleted, _ = SentEmail.objects.filter(created_at__lt=cutoff, status__in=finished).delete()
    return deleted
