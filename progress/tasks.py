"""Thin Celery tasks for reminders: idempotent, they take ids and call the reminder services.

The hourly pass fans out: the learners are cut into id ranges that the e-mail workers
share; a chord callback, once after every range, decides whether to look again for
retries. Exactly once per learner and period still comes from the Reminder rows
(unique period, claim with a lease), whichever worker sends.
"""

from celery import chord, shared_task
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from dlcurriculum.observability.passes import PassName, record_pass

from .reminders import selectors
from .reminders.sending import PassResult, run_reminder_pass


# The task keeps its historical name: the beat schedule and messages already queued use it.
@shared_task(name="mail.send_reminders", autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def send_reminders() -> dict:
    """The hourly pass (Celery beat). Safe to run twice at once or again after a crash.

    Up to REMINDER_TASK_LEARNERS accounts are handled right here; more are shared out in ranges.
    """
    started = timezone.now()
    ranges = selectors.learner_id_ranges(settings.REMINDER_TASK_LEARNERS)
    if len(ranges) <= 1:
        return _finish(run_reminder_pass().as_dict(), started)
    now = started.isoformat()
    chord(send_reminder_range.s(now, after, upto) for after, upto in ranges)(finish_reminder_pass.s(started=now))
    return {"ranges": len(ranges)}


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5, ignore_result=False)
def send_reminder_range(now: str, after_id: int, upto_id: int | None) -> dict:
    """The learners with ids in (after_id, upto_id] of the pass that started at ``now``."""
    return run_reminder_pass(now=parse_datetime(now), after_id=after_id, upto_id=upto_id).as_dict()


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def finish_reminder_pass(results: list[dict], started: str | None = None) -> dict:
    """Once per pass, after all its ranges (``started`` times the pass; older messages have none)."""
    return _finish(PassResult.total(results).as_dict(), parse_datetime(started) if started else None)


def _finish(result: dict, started=None) -> dict:
    if started is not None:
        record_pass(PassName.REMINDERS, started)
    if result["retrying"]:
        # Failed sends wait for their backoff; look again then rather than at the next hourly run.
        send_reminders.apply_async(countdown=settings.REMINDER_RETRY_BASE_SECONDS)
    return result


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def send_group_digests() -> int:
    """Weekly (Celery beat, Mondays): the study groups' digests, to the members who turned them on.
    Run twice, it sends nothing twice (each e-mail is keyed by learner and week in the outbox)."""
    from .reminders.groups import run_group_digests

    return run_group_digests()
