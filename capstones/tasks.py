"""Thin Celery tasks: they take IDs, are idempotent, and call a service."""

from celery import shared_task

from . import services


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3, acks_late=True)
def analyse_iteration(iteration_id: int) -> str | None:
    report = services.run_analysis(iteration_id)
    return report.status if report else None


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5, acks_late=True)
def send_decision_email(review_id: int) -> bool:
    return services.notify_decision(review_id)


@shared_task
def sweep() -> dict:
    return services.sweep()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5, acks_late=True, time_limit=120)
def send_notifications(recipient_id: int) -> int:
    return services.send_notifications(recipient_id)


@shared_task(time_limit=600)
def nudge_mentors() -> dict:
    """Hourly: nudges for idle claims, and the weekly queue note at each mentor's chosen hour."""
    return {"nudged": services.nudge_idle_claims(), "queue_notes": services.send_weekly_queue_notes()}
