"""Gauges read when Prometheus scrapes, not recorded: the Celery queues (from the Redis broker) and the outbox.

A scrape of the web asks Redis for each queue's length and its oldest message (a few commands per queue), and
the database for the outbox's backlog (one query on the queued rows' index). Workers do not serve these, so
each value is exported once however many workers run.
"""

from __future__ import annotations

import json
import logging
import time

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from .jobs import PUBLISHED_AT_HEADER

logger = logging.getLogger(__name__)

# kombu's Redis transport keeps one list per queue and priority step: "name", then "name\x06\x16<step>".
_PRIORITY_SEPARATOR = "\x06\x16"
_PRIORITY_STEPS = (0, 3, 6, 9)


def _lists_of(queue: str) -> list[str]:
    return [queue if step == 0 else f"{queue}{_PRIORITY_SEPARATOR}{step}" for step in _PRIORITY_STEPS]


def _published_at(raw: bytes | None) -> float | None:
    """The publish time our before_task_publish handler put in the message's headers (jobs.py)."""
    if raw is None:
        return None
    try:
        return float(json.loads(raw)["headers"][PUBLISHED_AT_HEADER])
    except (ValueError, KeyError, TypeError):
        return None  # a message published before this header existed, or not by Celery


class QueueCollector(Collector):
    """Per queue of settings.JOB_QUEUES: messages waiting, and how long the oldest has waited."""

    def collect(self):
        depth = GaugeMetricFamily("dlcurriculum_queue_depth", "Jobs waiting in each Celery queue.", labels=["queue"])
        age = GaugeMetricFamily(
            "dlcurriculum_queue_oldest_job_age_seconds",
            "How long the oldest waiting job of each queue has waited (0 when the queue is empty).",
            labels=["queue"],
        )
        up = GaugeMetricFamily("dlcurriculum_broker_up", "1 when the broker answered this scrape.")
        if not settings.REDIS_URL:
            up.add_metric([], 0)  # local mode: jobs run in-process, there are no queues
            yield up
            return
        import redis

        try:
            client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=0.5, socket_timeout=1)
            now = time.time()
            with client.pipeline(transaction=False) as pipe:
                for queue in settings.JOB_QUEUES:
                    for name in _lists_of(queue):
                        pipe.llen(name)
                        pipe.lindex(name, -1)  # LPUSH in, BRPOP out: the right end is the oldest
                answers = pipe.execute()
        except (redis.RedisError, OSError) as exc:
            logger.warning("Metrics: the broker did not answer (%s)", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        steps = len(_PRIORITY_STEPS)
        for index, queue in enumerate(settings.JOB_QUEUES):
            mine = answers[index * steps * 2 : (index + 1) * steps * 2]
            lengths, oldest = mine[0::2], mine[1::2]
            published = [t for t in (_published_at(raw) for raw in oldest) if t is not None]
            depth.add_metric([queue], sum(lengths))
            age.add_metric([queue], max(0.0, now - min(published)) if published else 0.0)
        yield from (depth, age, up)


class OutboxCollector(Collector):
    """E-mails recorded and not yet sent (dlcurriculum/mail/outbox.py), and how long the oldest has waited."""

    def collect(self):
        from dlcurriculum.mail.models import SentEmail

        backlog = GaugeMetricFamily("dlcurriculum_email_outbox_backlog", "E-mails queued in the outbox, not yet sent.")
        oldest = GaugeMetricFamily(
            "dlcurriculum_email_outbox_oldest_pending_age_seconds",
            "How long the oldest queued e-mail has waited since it was recorded (0 when none waits).",
        )
        pending = SentEmail.objects.filter(status=SentEmail.Status.QUEUED).aggregate(
            n=Count("pk"), first=Min("created_at")
        )
        backlog.add_metric([], pending["n"])
        oldest.add_metric([], (timezone.now() - pending["first"]).total_seconds() if pending["first"] else 0.0)
        yield from (backlog, oldest)
