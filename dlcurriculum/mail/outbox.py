"""The outbox: every e-mail is recorded before it is sent, and sent by a task until it is done.

Why a record first: a request or task that sends directly loses the e-mail when the
mail server is down (or answers with a 500 page), and sends it twice when it retries
after an answer it never got. Here:

1. ``queue()`` stores the rendered message with a Message-ID of its own, in the
   caller's transaction (so "a decision was made" and "its e-mail will go out" commit
   together), and enqueues delivery once that transaction commits.
2. ``deliver()`` takes a short lease on the record (committed before talking to the
   server), sends with that Message-ID, and records the outcome: sent; refused for
   good (5xx: kept as failed, never tried again); or to be retried (4xx, unreachable,
   timeout) after a short backoff. A timeout after the message went out marks the
   record ``maybe_delivered``: the retry carries the same Message-ID.
3. ``deliver_due()`` (Celery beat, every ``EMAIL_OUTBOX_SWEEP_SECONDS``) sends what is
   due: retries, and messages whose task the broker never got. So after an SMTP or
   broker outage e-mails go out within about two minutes, without anyone asking again.

The transport knows nothing of the features that use it.
"""

from __future__ import annotations

import enum
import logging
import uuid
from collections.abc import Iterable
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from dlcurriculum.observability import request_id
from dlcurriculum.tasks import enqueue_on_commit

from .delivery import BatchSender, Delivery, Outcome
from .models import SentEmail

logger = logging.getLogger(__name__)

Status = SentEmail.Status


def new_message_id() -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "dlcurriculum.localhost"
    return f"<mail-{uuid.uuid4().hex}@{domain}>"


def serialise(message: EmailMessage) -> dict:
    """What is needed to build the same message again (text, HTML alternatives, headers; no attachments)."""
    if message.attachments:
        raise ValueError("The outbox does not store attachments.")
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "content_subtype": message.content_subtype,
        "alternatives": [[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])],
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {k: str(v) for k, v in message.extra_headers.items() if k.lower() != "message-id"},
    }


def rebuild(record: SentEmail) -> EmailMultiAlternatives:
    data = record.message
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers={**data["headers"], "Message-ID": record.message_id},
    )
    message.content_subtype = data["content_subtype"]
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


def schedule_delivery(record_id: int) -> None:
    """Deliver soon after the current transaction commits (if the broker is down, the sweep will)."""
    from . import tasks

    enqueue_on_commit(tasks.deliver, record_id)


def queue(message: EmailMessage, *, template: str, reason: str = "", user=None, key: str | None = None) -> SentEmail:
    """Record ``message`` for delivery; with a ``key``, a second call with the same key changes nothing."""
    recipients = [*message.to, *message.cc, *message.bcc]
    fields = {
        "to": ", ".join(recipients)[:1000],
        "template": template[:100],
        "reason": (reason or template)[:200],
        "subject": str(message.subject)[:300],
        "user": user if getattr(user, "pk", None) else None,
        "message_id": new_message_id(),
        # The request that caused the e-mail: its delivery's log lines carry the id, even from a later sweep.
        "message": {**serialise(message), "request_id": request_id.current()},
        "next_attempt_at": timezone.now(),
    }
    if key is None:
        record = SentEmail.objects.create(**fields)
    else:
        try:
            with transaction.atomic():
                record, created = SentEmail.objects.get_or_create(key=key, defaults=fields)
        except IntegrityError:  # a concurrent caller inserted the same key first
            return SentEmail.objects.get(key=key)
        if not created:
            return record
    schedule_delivery(record.pk)
    return record


def retry_delay(attempts: int) -> timedelta:
    """15 s, 30 s, then every ``EMAIL_RETRY_MAX_SECONDS``: short, so an outage costs minutes, not a quarter hour."""
    base = settings.EMAIL_RETRY_BASE_SECONDS
    return timedelta(seconds=min(base * 2 ** max(0, attempts - 1), settings.EMAIL_RETRY_MAX_SECONDS))


def _claim(record_id: int, now) -> SentEmail | None:
    """Take the lease on a due, queued record (committed at once, so it holds while the server is talked to)."""
    lease = now + timedelta(seconds=settings.EMAIL_LEASE_SECONDS)
    with transaction.atomic():
        record = (
            SentEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=record_id, status=Status.QUEUED)
            .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now))
            .first()
        )
        if record is None or not record.message:
            return None
        record.attempts += 1
        record.lease_expires_at = lease
        record.last_attempt_at = now
        record.save(update_fields=["attempts", "lease_expires_at", "last_attempt_at"])
    return record


class Attempt(enum.StrEnum):
    """What one call of ``deliver`` did (a str: task results and counts read it as text)."""

    SENT = "sent"
    FAILED = "failed"  # for good: refused, or given up on
    RETRY = "retry"  # not sent yet; due again later
    SKIPPED = "skipped"  # not due, held by another attempt, or already done


def _record(record: SentEmail, delivery: Delivery) -> Attempt:
    now = timezone.now()
    changes: dict = {"lease_expires_at": None}
    if delivery.outcome is Outcome.SENT:
        changes.update(status=Status.SENT, sent_at=now, last_error="", message={}, next_attempt_at=None)
        result = Attempt.SENT
    elif delivery.outcome is Outcome.PERMANENT:
        changes.update(status=Status.FAILED, last_error=delivery.error, message={}, next_attempt_at=None)
        result = Attempt.FAILED
    elif now - record.created_at > timedelta(hours=settings.EMAIL_GIVE_UP_AFTER_HOURS):
        changes.update(
            status=Status.FAILED,
            last_error=f"Gave up after {settings.EMAIL_GIVE_UP_AFTER_HOURS} h: {delivery.error}"[:2000],
            message={},
            next_attempt_at=None,
        )
        result = Attempt.FAILED
    else:
        changes.update(last_error=delivery.error, next_attempt_at=now + retry_delay(record.attempts))
        result = Attempt.RETRY
    if delivery.ambiguous:
        changes["maybe_delivered"] = True
    # Only the holder of this lease records; one that outlived its lease leaves the record to the new holder.
    SentEmail.objects.filter(pk=record.pk, lease_expires_at=record.lease_expires_at).update(**changes)
    if result is Attempt.SENT:
        logger.info("E-mail %s (%s) sent", record.pk, record.template)
    elif result is Attempt.FAILED:
        logger.warning("E-mail %s to %s refused for good: %s", record.pk, record.to, delivery.error)
    elif result is Attempt.RETRY:
        logger.info("E-mail %s to %s not sent yet (%s); retrying later", record.pk, record.to, delivery.error)
    return result


def deliver(record_id: int, *, sender: BatchSender | None = None) -> Attempt:
    """Try to send one queued e-mail now."""
    record = _claim(record_id, timezone.now())
    if record is None:
        return Attempt.SKIPPED
    with request_id.bound(record.message.get("request_id") or request_id.current()):
        if sender is not None:
            return _record(record, sender.send(rebuild(record)))
        with BatchSender() as own:
            return _record(record, own.send(rebuild(record)))


def due_ids(*, now=None, limit: int = 200) -> list[int]:
    now = now or timezone.now()
    return list(
        SentEmail.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now)
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def deliver_due(*, limit: int | None = None) -> dict:
    """Send every due e-mail over one connection; stop early while the server is unreachable."""
    counts = dict.fromkeys(Attempt, 0)
    ids: Iterable[int] = due_ids(limit=limit or settings.EMAIL_OUTBOX_BATCH_SIZE)
    with BatchSender() as sender:
        for record_id in ids:
            if sender.down:
                break  # the rest stay due; no attempt is spent on a server known to be away
            counts[deliver(record_id, sender=sender)] += 1
    return counts
