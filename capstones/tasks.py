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
