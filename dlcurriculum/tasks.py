"""Enqueueing that never breaks the request that asked for it."""

import logging

from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue_later_on_commit(task, *args, countdown: float) -> None:
    """Like :func:`enqueue_on_commit`, run ``countdown`` seconds after the commit at the earliest."""
    _on_commit(task, args, {}, {"countdown": countdown})


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send ``task`` to the broker once the current transaction commits.

    If the broker is down the work is not lost: it is logged, and each feature
    keeps enough state in the database for a periodic sweep to enqueue it again.
    """
    _on_commit(task, args, kwargs, {})


def _on_commit(task, args, kwargs, options) -> None:
    def send():
        try:
            task.apply_async(args=args, kwargs=kwargs, **options)
        except OperationalError:
            logger.warning("Broker unavailable; %s(%s) left for the sweep", task.name, args, exc_info=True)

    from django.db import transaction

    transaction.on_commit(send)
