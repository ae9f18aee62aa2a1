"""A down broker never breaks the submission page; the sweep picks the work up later."""

import pytest
from django.urls import reverse

from capstones.models import Report, Submission
from dlcurriculum.celery_app import app
from tests.submitting import submission_form


@pytest.fixture
def broker_down():
    # Nothing listens on port 1: publishing fails like it does when Redis is down.
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


def test_submission_succeeds_and_report_waits_for_the_sweep_when_broker_is_down(
    broker_down, learner_client, learner, brief, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = learner_client.post(reverse("capstones:submit", kwargs={"key": brief.key}), submission_form(brief))
    assert response.status_code == 302
    submission = Submission.objects.get(learner=learner)
    assert Report.objects.get(iteration__submission=submission).status == Report.Status.PENDING
    page = learner_client.get(response.url)
    assert "Check running" in page.text
