"""A person's e-mail records for the account export, and their erasure.

Records of sent e-mails keep the recipient's address (``SentEmail.to``), also
after ``user`` is set to NULL by the account's deletion: erasing the account
deletes the records sent to the person and takes their address out of records
sent to several people (admin summaries), error messages included.

Registered with the account lifecycle by the users app (the mail transport sits
below users and imports nothing from it).
"""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Q

from .models import SentEmail

TABLES = {"emails": ("to", "template", "reason", "subject", "status", "created_at", "sent_at")}


def _iso(value):
    return value.isoformat() if value is not None else None


def export_rows(user) -> dict[str, list[dict]]:
    """Section emails: what was sent to the person (1 query)."""
    return {
        "emails": [
            {
                "to": record.to,
                "template": record.template,
                "reason": record.reason,
                "subject": record.subject,
                "status": record.status,
                "created_at": _iso(record.created_at),
                "sent_at": _iso(record.sent_at),
            }
            for record in _records_of(user).order_by("created_at", "pk")
        ],
    }


def _records_of(user):
    return SentEmail.objects.filter(Q(user=user) | Q(to__icontains=user.email))


def _recipients(to: str) -> list[str]:
    return [address.strip() for address in to.split(",") if address.strip()]


@transaction.atomic
def erase(user) -> None:
    """Delete the records of e-mails to the person; remove their address from shared ones."""
    address = user.email.lower()
    pattern = re.compile(re.escape(user.email), re.IGNORECASE)
    for record in _records_of(user).select_for_update():
        others = [a for a in _recipients(record.to) if a.lower() != address]
        if record.user_id == user.pk or not others:
            record.delete()
            continue
        record.to = ", ".join(others)
        record.subject = pattern.sub("(deleted account)", record.subject)
        record.last_error = pattern.sub("(deleted account)", record.last_error)
        record.save(update_fields=["to", "subject", "last_error"])
