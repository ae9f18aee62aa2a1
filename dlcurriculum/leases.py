"""Leases for background jobs kept as database rows, so a sweep can tell lost work from running work.

A job row has ``status`` (pending until it has a result), ``attempts``, ``enqueued_at`` (last sent to
the broker) and ``lease_expires_at`` (set when a worker starts it). The lease lasts longer than the
task's hard time limit: a worker cannot still be running it once the lease has expired, so the sweep
re-enqueues only

- jobs whose lease expired (the worker died, or was killed at the hard limit), and
- jobs never started whose last enqueue is older than a grace period (the broker lost the message,
  or was down when it was sent).

A running job, whose lease is still valid, is never enqueued a second time, and two copies of a
message (a redelivery, a sweep racing the queue) cannot both run it: :meth:`Lease.acquire` is one
conditional UPDATE that only one of them wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models
from django.db.models import F, Q
from django.utils import timezone


@dataclass(frozen=True)
class Lease:
    model: type[models.Model]
    # How long a started job may hold its row: longer than the task's hard time limit.
    duration: timedelta
    # How long a never-started job may sit in the broker before it counts as lost.
    grace: timedelta
    key: str = "pk"
    pending: str = "pending"

    def acquire(self, key_value, *, now: datetime | None = None) -> int | None:
        """Start the job: the attempt number, or None if it is finished or another worker holds it."""
        now = now or timezone.now()
        won = (
            self.model.objects.filter(**{self.key: key_value}, status=self.pending)
            .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now))
            .update(lease_expires_at=now + self.duration, attempts=F("attempts") + 1)
        )
        if not won:
            return None
        return self.model.objects.filter(**{self.key: key_value}).values_list("attempts", flat=True).first()

    def renew(self, key_value, *, now: datetime | None = None) -> bool:
        """Keep holding a job that is still being worked on (a heartbeat between long steps)."""
        now = now or timezone.now()
        return bool(
            self.model.objects.filter(**{self.key: key_value}, status=self.pending, lease_expires_at__gt=now).update(
                lease_expires_at=now + self.duration
            )
        )

    def release(self, key_value) -> bool:
        """Give a started job back after an ordinary error (to be retried): the attempt does not count
        as one that died at a limit."""
        return bool(
            self.model.objects.filter(**{self.key: key_value}, status=self.pending, lease_expires_at__isnull=False)
            .filter(attempts__gt=0)
            .update(lease_expires_at=None, attempts=F("attempts") - 1)
        )

    def lost(self, *, now: datetime | None = None) -> models.QuerySet:
        """Pending jobs no worker can be running: an expired lease, or never started after the grace."""
        now = now or timezone.now()
        never_started = Q(lease_expires_at__isnull=True) & (
            Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - self.grace)
        )
        return self.model.objects.filter(status=self.pending).filter(Q(lease_expires_at__lte=now) | never_started)

    def mark_enqueued(self, key_values, *, now: datetime | None = None) -> int:
        """Record a new enqueue; an expired lease is cleared so the grace period counts from now."""
        now = now or timezone.now()
        return (
            self.model.objects.filter(**{f"{self.key}__in": list(key_values)}, status=self.pending)
            .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now))
            .update(enqueued_at=now, lease_expires_at=None)
        )
