"""Thin Celery tasks: they take IDs, are idempotent, and call a service.

The notebook jobs run under soft and hard time limits; a limit hit is stored as the job's result
("too large ...") and never retried. Their rows carry a lease (dlcurriculum.leases) that outlives
the hard limit, so the sweep re-enqueues only jobs no worker can still be running.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from . import services

_NOTEBOOK_JOB = {
    "acks_late": True,
    "soft_time_limit": settings.CAPSTONE_JOB_SOFT_TIME_LIMIT,
    "time_limit": settings.CAPSTONE_JOB_TIME_LIMIT,
    # Database hiccups are retried; limits and bad notebooks end in the services, never here.
    "autoretry_for": (Exception,),
    "dont_autoretry_for": (SoftTimeLimitExceeded,),
    "retry_backoff": True,
    "max_retries": 3,
}


@shared_task(**_NOTEBOOK_JOB)
def analyse_iteration(iteration_id: int) -> str | None:
    try:
        report = services.run_analysis(iteration_id)
    except SoftTimeLimitExceeded:
        report = services.finish_analysis(iteration_id, error=services.TOO_LARGE_TO_CHECK)
    return report.status if report else None


@shared_task(**_NOTEBOOK_JOB)
def render_iteration(iteration_id: int) -> str | None:
    try:
        rendering = services.run_rendering(iteration_id)
    except SoftTimeLimitExceeded:
        rendering = services.finish_rendering(iteration_id, error=services.TOO_LARGE_TO_SHOW)
    return rendering.status if rendering else None


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5, acks_late=True)
def send_decision_email(review_id: int) -> bool:
    return services.notify_decision(review_id)


@shared_task(soft_time_limit=50, time_limit=60)
def sweep() -> dict:
    return services.sweep()


@shared_task(
    autoretry_for=(Exception,), retry_backoff=True, max_retries=5, acks_late=True, soft_time_limit=110, time_limit=120
)
def send_notifications(recipient_id: int) -> int:
    return services.send_notifications(recipient_id)


@shared_task(soft_time_limit=110, time_limit=120)
def send_due_notifications() -> int:
    """Every CAPSTONE_NOTIFY_SWEEP_SECONDS (Celery beat; in local mode dlcurriculum.local_beat)."""
    return services.send_due_notifications()


@shared_task(time_limit=600)
def nudge_mentors() -> dict:
    """Hourly: nudges for idle claims, and the weekly queue note at each mentor's chosen hour."""
    return {"nudged": services.nudge_idle_claims(), "queue_notes": services.send_weekly_queue_notes()}
