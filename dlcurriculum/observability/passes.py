"""The durations of whole passes: the nightly link check and the hourly reminders, fanned out or not."""

from __future__ import annotations

import enum
import time
from datetime import datetime

from django.utils import timezone

from . import metrics


class PassName(enum.StrEnum):
    LINKCHECK = "linkcheck"
    REMINDERS = "reminders"


def record_pass(name: PassName, started: datetime) -> None:
    """A pass that started at ``started`` (its first task's clock; the last batch may run on another worker) is done."""
    metrics.pass_duration.labels(name.value).observe(max(0.0, (timezone.now() - started).total_seconds()))
    metrics.pass_last_finished.labels(name.value).set(time.time())
