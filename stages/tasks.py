"""Thin Celery tasks for link health: they take ids, are idempotent, and call link_services.

A run of many links fans out: batches (all links of a host together) go to whichever
link-check workers are free, and the run's last step, a chord callback that runs once
after every batch, e-mails the admins one summary.
"""

from celery import chord, shared_task
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from dlcurriculum.observability.passes import PassName, record_pass

from .linkhealth import services as link_services


def _as_dict(summary: link_services.RunSummary) -> dict:
    return {
        "checked": summary.checked,
        "counts": dict(summary.counts),
        "newly_flagged": summary.newly_flagged,
        "skipped": summary.skipped,
        "notified": summary.notified,
    }


def _from_dict(data: dict) -> link_services.RunSummary:
    summary = link_services.RunSummary(checked=data["checked"], skipped=data["skipped"])
    summary.counts.update(data["counts"])
    summary.newly_flagged = list(data["newly_flagged"])
    return summary


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=30, max_retries=3)
def check_links(resource_ids: list[int] | None = None) -> dict:
    """Check resource links (all of them when no ids are given); safe to run twice at once.

    Up to one batch of links is checked right here; more are shared out to the workers.
    """
    batches = link_services.plan_batches(link_services.link_check_targets(resource_ids), settings.LINKCHECK_BATCH_SIZE)
    started = timezone.now()
    if len(batches) <= 1:
        summary = link_services.run_link_check(resource_ids)
        record_pass(PassName.LINKCHECK, started)
        return _as_dict(summary)
    chord(check_link_batch.s(started.isoformat(), ids) for ids in batches)(
        finish_link_check.s(run_started=started.isoformat())
    )
    return {"batches": len(batches)}


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=30, max_retries=3, ignore_result=False)
def check_link_batch(run_started: str, resource_ids: list[int]) -> dict:
    """One batch of a run; run again after a crash, it records nothing twice (record_results)."""
    summary = link_services.run_link_check(resource_ids, run_started=parse_datetime(run_started), notify=False)
    return _as_dict(summary)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=30, max_retries=3)
def finish_link_check(batch_results: list[dict], run_started: str | None = None) -> dict:
    """Once per run, after all its batches: the admins' summary e-mail (which never lists a link twice).

    ``run_started`` times the whole pass (messages enqueued before it was passed have none).
    """
    summary = _as_dict(link_services.finish_link_check(_from_dict(r) for r in batch_results))
    if run_started:
        record_pass(PassName.LINKCHECK, parse_datetime(run_started))
    return summary
