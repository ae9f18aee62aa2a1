"""The one place the app's own e-mails are built and sent.

Each message has three templates under ``templates/mail/``: ``<name>_subject.txt``,
``<name>.txt`` and ``<name>.html``.
"""

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


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


def send_templated(*, to: Sequence[str], template: str, context: dict, headers: dict | None = None) -> None:
    build_message(to=to, template=template, context=context, headers=headers).send()
