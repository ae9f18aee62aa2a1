from celery import shared_task
from django.db import DatabaseError

from . import link_services


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=30, max_retries=3)
def check_links(resource_ids: list[int] | None = None) -> dict:
    """Check resource links (all of them when no ids are given); safe to run twice at once."""
    summary = link_services.run_link_check(resource_ids)
    return {"checked": summary.checked, "counts": dict(summary.counts), "newly_flagged": summary.newly_flagged}


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=30, max_retries=3)
def prune_link_history() -> int:
    """Daily (Celery beat): drop link checks past their retention. Safe to run twice."""
    return link_services.prune_link_history()
