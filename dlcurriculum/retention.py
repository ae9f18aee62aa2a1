"""Housekeeping: the rows that grow with every night and every e-mail, pruned in bounded batches.

Link checks, sent-mail records, reminders, read notifications and expired sessions each grow
with time, not with the number of learners; left alone they outgrow everything else. Each app
registers what of its data has expired, in its ``AppConfig.ready``, the way it registers a
user's data with ``dlcurriculum.users.lifecycle``; this module knows no app::

    from dlcurriculum import retention

    retention.register(
        "link check history",
        setting="LINKCHECK_HISTORY_DAYS",
        expired=lambda now: LinkCheck.objects.filter(checked_at__lt=now - timedelta(days=...)),
    )

One daily job (:func:`prune_all`, the ``housekeeping.prune`` task) runs every rule. A rule is
pruned a batch at a time: the primary keys of at most ``HOUSEKEEPING_BATCH_SIZE`` expired rows,
then one short transaction deleting those rows, so no statement holds locks on a table for
long and a large backlog (the first run after an upgrade) is worked off across runs rather than
in one statement. The whole pass stops at ``HOUSEKEEPING_TIME_LIMIT_SECONDS``; what is left is
taken by the next run. Running it twice, or two at once, is harmless: a row deleted by one is
simply not found by the other.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    name: str
    # now -> the rows past their retention (their model's default manager is used to delete them)
    expired: Callable[[datetime], QuerySet]
    # The setting that says how long the rows are kept, named in logs and the README.
    setting: str


@dataclass(frozen=True)
class Pruned:
    rule: str
    deleted: int
    batches: int
    # False when the time limit stopped it with expired rows left for the next run.
    complete: bool


_rules: dict[str, Rule] = {}


def register(name: str, *, expired: Callable[[datetime], QuerySet], setting: str) -> None:
    """Add (or, on a second ``ready``, replace) what one app prunes."""
    _rules[name] = Rule(name=name, expired=expired, setting=setting)


def rules() -> list[Rule]:
    return list(_rules.values())


def prune(rule: Rule, *, now: datetime, batch_size: int, deadline: float) -> Pruned:
    """Delete ``rule``'s expired rows a batch at a time until none are left or ``deadline``
    (a ``time.monotonic()`` value) has passed."""
    deleted = batches = 0
    while time.monotonic() < deadline:
        expired = rule.expired(now)
        model = expired.model
        # Keys first, then a delete by key: a LIMIT inside a DELETE is not portable, and selecting
        # the keys reads the rule's index without locking anything.
        keys = list(expired.order_by().values_list("pk", flat=True)[:batch_size])
        if not keys:
            return Pruned(rule.name, deleted, batches, complete=True)
        with transaction.atomic():
            _, per_model = model._default_manager.filter(pk__in=keys).delete()
        deleted += per_model.get(model._meta.label, 0)
        batches += 1
        if len(keys) < batch_size:
            return Pruned(rule.name, deleted, batches, complete=True)
    return Pruned(rule.name, deleted, batches, complete=False)


def prune_all(*, now: datetime | None = None) -> list[Pruned]:
    """Run every registered rule within one time limit; log what each removed."""
    now = now or timezone.now()
    deadline = time.monotonic() + settings.HOUSEKEEPING_TIME_LIMIT_SECONDS
    results = []
    for rule in rules():
        result = prune(rule, now=now, batch_size=settings.HOUSEKEEPING_BATCH_SIZE, deadline=deadline)
        logger.info(
            "housekeeping: %s (%s) deleted %d rows in %d batches%s",
            rule.name,
            rule.setting,
            result.deleted,
            result.batches,
            "" if result.complete else ", stopped at the time limit",
        )
        results.append(result)
    return results


@shared_task(name="housekeeping.prune_expired", autoretry_for=(DatabaseError,), retry_backoff=60, max_retries=3)
def prune_expired() -> dict[str, int]:
    """Daily (Celery beat): every registered rule. Safe to run twice; a retry resumes where it failed."""
    return {result.rule: result.deleted for result in prune_all()}
