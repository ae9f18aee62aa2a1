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


def wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_checks_renders_and_queues_a_passing_submission(
    worker_closes_db_connections, celery_app, celery_worker, make_submission, learner, brief
):
    from capstones.models import Rendering

    submission = make_submission(learner, brief)
    assert wait_for(lambda: Submission.objects.get(pk=submission.pk).status == Submission.Status.WAITING)
    assert wait_for(lambda: Rendering.objects.get(iteration__submission=submission).status == Rendering.Status.DONE)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_the_sweep_never_enqueues_a_running_check_twice(
    worker_closes_db_connections, celery_app, celery_worker, make_submission, learner, brief, settings, monkeypatch
):
    import threading

    from capstones import notebooks, services

    started, release, calls = threading.Event(), threading.Event(), []
    real = notebooks.analyse

    def slow(*args, **kwargs):
        calls.append(1)
        started.set()
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(notebooks, "analyse", slow)
    settings.CAPSTONE_JOB_GRACE_SECONDS = 0  # anything not running counts as lost at once
    submission = make_submission(learner, brief)
    try:
        assert started.wait(30), "the worker never started the check"
        assert services.sweep()["reports"] == 0  # it is running: its lease says so
    finally:
        release.set()
    report = Report.objects.get(iteration__submission=submission)
    assert wait_for(lambda: Report.objects.get(pk=report.pk).status == Report.Status.DONE)
    assert (len(calls), Report.objects.get(pk=report.pk).attempts) == (1, 1)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_picks_up_a_check_the_broker_lost_once_the_sweep_runs(
    worker_closes_db_connections, celery_app, celery_worker, learner, brief, settings, monkeypatch
):
    from capstones import services

    from .notebook_builders import as_bytes, good_notebook

    # The broker loses both messages (down at the time, or restarted without persistence).
    monkeypatch.setattr(services.submitting, "enqueue_on_commit", lambda task, *args: None)
    iteration = services.submit_iteration(
        learner=learner,
        brief=brief,
        title="T",
        idea=brief.ideas.first(),
        own_problem="",
        repository_url="",
        write_up="w",
        notebook_bytes=as_bytes(good_notebook()),
        filename="n.ipynb",
    )
    monkeypatch.undo()
    time.sleep(1)
    assert Report.objects.get(iteration=iteration).status == Report.Status.PENDING
    settings.CAPSTONE_JOB_GRACE_SECONDS = 0
    swept = services.sweep()
    assert (swept["reports"], swept["renderings"]) == (1, 1)
    assert wait_for(lambda: Report.objects.get(iteration=iteration).status == Report.Status.DONE)
    assert Submission.objects.get(pk=iteration.submission_id).status == Submission.Status.WAITING
