"""The analysis of a real submission, run by a real Celery worker on Redis."""

import time

import pytest
from django.urls import reverse

from capstones.models import Report, Submission
from tests.submitting import submission_form


@pytest.fixture
def celery_app(project_celery_app):
    return project_celery_app


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_the_analysis_of_a_real_submission(
    worker_closes_db_connections, celery_app, celery_worker, client, learner, brief
):
    client.force_login(learner)
    response = client.post(reverse("capstones:submit", kwargs={"key": brief.key}), submission_form(brief))
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
