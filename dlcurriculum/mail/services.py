"""The one place the app's own e-mails are built and sent.

Each message has three templates under ``templates/mail/``: ``<name>_subject.txt``,
``<name>.txt`` and ``<name>.html``. Every e-mail sent through ``send_templated``
is recorded (``SentEmail``) before it is sent: to whom, which template, why, and how it went.
"""

import logging
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from . import outbox
from .models import SentEmail
from .remote import remote_resources

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
    remote = remote_resources(html)
    if remote:
        # Never reached by the templates as written (user Markdown goes through `markdown`, which
        # makes images links); if a change lets something through, the reader gets the text part
        # rather than a tracking pixel.
        logger.error("E-mail %r sent as plain text only: its HTML would load %s", template, ", ".join(remote[:3]))
    else:
        message.attach_alternative(html, "text/html")
    return message


def send_templated(
    *,
    to: Sequence[str],
    template: str,
    context: dict,
    headers: dict | None = None,
    reason: str = "",
    user=None,
    key: str | None = None,
) -> SentEmail:
    """Render one e-mail and queue it in the outbox (``dlcurriculum.mail.outbox``); it goes out after commit.

    ``key`` makes the call idempotent: a task retried after a crash calls again with the
    same key and the e-mail is recorded, and sent, once. Nothing here talks to the mail
    server, so a caller's transaction never waits on it or rolls back a failure record.
    """
    message = build_message(to=to, template=template, context=context, headers=headers)
    return outbox.queue(message, template=template, reason=reason, user=user, key=key)


def expired_sent_emails(now):
    """Records of e-mails sent or failed more than ``SENT_EMAIL_RETENTION_DAYS`` ago (pruned by
    dlcurriculum.retention).

    Queued ones stay whatever their age: they are still to be delivered. The records keep
    addresses, so they go once they no longer help anyone; keyed records guard against a
    retried task sending twice, which happens within hours, not months.
    """
    cutoff = now - timedelta(days=settings.SENT_EMAIL_RETENTION_DAYS)
    return SentEmail.objects.filter(created_at__lt=cutoff, status__in=[SentEmail.Status.SENT, SentEmail.Status.FAILED])
