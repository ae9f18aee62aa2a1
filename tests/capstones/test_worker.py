"""The analysis of a real submission, run by a real Celery worker on Redis."""

import os
import time

import pytest
from celery.signals import task_postrun
from django.db import connections
from django.urls import reverse

from capstones.models import Report, Submission
from dlcurriculum.celery_app import app

from .conftest import upload

REDIS_URL = os.environ.get("CELERY_TEST_REDIS_URL") or os.environ.get("REDIS_URL")


@pytest.fixture
def celery_app():
    """The project's own app, pointed at the test Redis, publishing for real."""
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    app.conf.broker_url = REDIS_URL
    app.conf.task_always_eager = False
    app._pool = None  # connections made for another broker URL must not be reused
    app.amqp._producer_pool = None
    yield app
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_worker_parameters():
    # No result backend here (results are ignored), so no ping round trip.
    return {"perform_ping_check": False, "shutdown_timeout": 20}


@pytest.fixture
def worker_closes_db_connections():
    # The worker thread's connections would otherwise outlive the test database.
    def close(**kwargs):
        connections.close_all()

    task_postrun.connect(close, weak=False, dispatch_uid="capstones-test-close-db")
    yield
    task_postrun.disconnect(dispatch_uid="capstones-test-close-db")


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL")
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_the_analysis_of_a_real_submission(
    worker_closes_db_connections, celery_app, celery_worker, client, learner, brief
):
    client.force_login(learner)
    response = client.post(
        reverse("capstones:submit", kwargs={"key": brief.key}),
        {
            "title": "Digits", "idea": brief.ideas.first().pk, "own_problem": "", "repository_url": "",
            "write_up": "Write-up.", "notebook": upload(),
        },
    )
    assert response.status_code == 302
    submission = Submission.objects.get(learner=learner)
    deadline = time.monotonic() + 30
    report = Report.objects.get(iteration__submission=submission)
    while report.status == Report.Status.PENDING and time.monotonic() < deadline:
        time.sleep(0.2)
        report.refresh_from_db()
    assert report.status == Report.Status.DONE
    assert report.verdict == Report.Verdict.PASS
    assert report.data["frameworks"] == ["torch"]
