"""The check and the rendering jobs: stored once, leased while they run, swept only when lost."""

from datetime import timedelta

import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from capstones import notebooks, services, tasks
from capstones.models import Rendering, Report, Submission

from .notebook_builders import as_bytes, good_notebook


def submit_without_running_jobs(learner, brief, nb=None):
    """As if the broker was down: the after-commit enqueue never reaches a worker."""
    return services.submit_iteration(
        learner=learner,
        brief=brief,
        title="T",
        idea=brief.ideas.first(),
        own_problem="",
        repository_url="",
        write_up="w",
        notebook_bytes=as_bytes(nb or good_notebook()),
        filename="n.ipynb",
    )


def later(seconds):
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds))


# --- analysis ------------------------------------------------------------------------------------


def test_report_stays_pending_until_the_job_runs(learner, brief):
    iteration = submit_without_running_jobs(learner, brief)
    assert Report.objects.get(iteration=iteration).status == Report.Status.PENDING


def test_analysis_is_idempotent(submission):
    iteration = submission.iterations.get()
    first = Report.objects.get(iteration=iteration)
    again = services.run_analysis(iteration.pk)
    assert (again.finished_at, again.attempts) == (first.finished_at, first.attempts)


def test_a_second_copy_of_a_running_analysis_does_nothing(learner, brief, monkeypatch):
    iteration = submit_without_running_jobs(learner, brief)
    assert services.job_lease(Report).acquire(iteration.pk) == 1  # a worker is running it
    monkeypatch.setattr(notebooks, "analyse", lambda *a, **k: pytest.fail("analysed twice"))
    assert services.run_analysis(iteration.pk).status == Report.Status.PENDING


def test_unreadable_stored_file_marks_the_report_failed(learner, brief):
    iteration = submit_without_running_jobs(learner, brief)
    with iteration.notebook.storage.open(iteration.notebook.name, "wb") as handle:
        handle.write(b"garbage")
    report = services.run_analysis(iteration.pk)
    assert report.status == Report.Status.FAILED
    assert "not valid JSON" in report.error


def test_an_analysis_at_its_time_limit_is_stored_as_too_large(learner, brief, monkeypatch):
    iteration = submit_without_running_jobs(learner, brief)

    def slow(*args, **kwargs):
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(notebooks, "analyse", slow)
    tasks.analyse_iteration.apply(args=[iteration.pk])
    report = Report.objects.get(iteration=iteration)
    assert (report.status, report.error) == (Report.Status.FAILED, services.TOO_LARGE_TO_CHECK)
    assert report.attempts == 1  # not retried


def test_an_analysis_out_of_memory_is_stored_as_too_large(learner, brief, monkeypatch):
    iteration = submit_without_running_jobs(learner, brief)

    def huge(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(notebooks, "analyse", huge)
    assert services.run_analysis(iteration.pk).error == services.TOO_LARGE_TO_CHECK


def test_an_analysis_killed_at_its_hard_limit_twice_is_stored_as_too_large(learner, brief, monkeypatch):
    iteration = submit_without_running_jobs(learner, brief)
    lease = services.job_lease(Report)
    start = timezone.now()
    lease.acquire(iteration.pk, now=start)  # killed: no result, the lease runs out
    lease.acquire(iteration.pk, now=start + lease.duration)  # redelivered, killed again
    monkeypatch.setattr(notebooks, "analyse", lambda *a, **k: pytest.fail("tried a third time"))
    with later(2 * lease.duration.total_seconds() + 1):
        report = services.run_analysis(iteration.pk)
    assert (report.status, report.error) == (Report.Status.FAILED, services.TOO_LARGE_TO_CHECK)
    assert Submission.objects.get(pk=iteration.submission_id).status == Submission.Status.WAITING


def test_a_database_error_gives_the_lease_back_for_the_retry(learner, brief, monkeypatch):
    iteration = submit_without_running_jobs(learner, brief)

    def flaky(*args, **kwargs):
        raise OperationalError("connection lost")

    monkeypatch.setattr(services.jobs, "finish_analysis", flaky)
    with pytest.raises(OperationalError):
        services.run_analysis(iteration.pk)
    report = Report.objects.get(iteration=iteration)
    assert (report.lease_expires_at, report.attempts) == (None, 0)


# --- sweep ---------------------------------------------------------------------------------------


def test_sweep_reenqueues_a_check_never_started_after_the_grace(learner, brief, django_capture_on_commit_callbacks):
    iteration = submit_without_running_jobs(learner, brief)
    with later(services.job_lease(Report).grace.total_seconds() + 1), django_capture_on_commit_callbacks(execute=True):
        assert services.sweep()["reports"] == 1
    assert Report.objects.get(iteration=iteration).status == Report.Status.DONE


def test_sweep_leaves_recently_enqueued_checks_alone(learner, brief, django_capture_on_commit_callbacks):
    submit_without_running_jobs(learner, brief)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep()["reports"] == 0


def test_sweep_never_enqueues_a_running_check_again(learner, brief, django_capture_on_commit_callbacks):
    iteration = submit_without_running_jobs(learner, brief)
    lease = services.job_lease(Report)
    with later(lease.grace.total_seconds() + 1):
        lease.acquire(iteration.pk)  # a worker starts it late, after the grace
    with (
        later(lease.grace.total_seconds() + lease.duration.total_seconds() - 5),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.sweep()["reports"] == 0
    assert Report.objects.get(iteration=iteration).attempts == 1


def test_sweep_reenqueues_a_check_whose_worker_died(learner, brief, django_capture_on_commit_callbacks):
    iteration = submit_without_running_jobs(learner, brief)
    lease = services.job_lease(Report)
    lease.acquire(iteration.pk)  # the worker dies without a result
    with later(lease.duration.total_seconds() + 1), django_capture_on_commit_callbacks(execute=True):
        assert services.sweep()["reports"] == 1
    report = Report.objects.get(iteration=iteration)
    assert (report.status, report.attempts) == (Report.Status.DONE, 2)


def test_sweep_reenqueues_a_lost_rendering(learner, brief, django_capture_on_commit_callbacks):
    iteration = submit_without_running_jobs(learner, brief)
    with (
        later(services.job_lease(Rendering).grace.total_seconds() + 1),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.sweep()["renderings"] == 1
    assert Rendering.objects.get(iteration=iteration).status == Rendering.Status.DONE


def test_the_sweep_runs_often_enough_to_pick_up_lost_work_within_two_minutes(settings):
    lease = services.job_lease(Report)
    sweep_every = settings.CELERY_BEAT_SCHEDULE["capstones-sweep"]["schedule"]
    assert lease.grace.total_seconds() + sweep_every <= 120
    assert lease.duration.total_seconds() > settings.CAPSTONE_JOB_TIME_LIMIT  # provably gone once expired


# --- rendering -----------------------------------------------------------------------------------


def test_the_rendering_job_stores_sanitised_html(submission):
    rendering = Rendering.objects.get(iteration__submission=submission)
    assert rendering.status == Rendering.Status.DONE
    assert "Linear" in rendering.html
    assert "<script" not in rendering.html


def test_a_rendering_is_made_once_per_iteration(submission, monkeypatch):
    monkeypatch.setattr(notebooks, "render_document", lambda *a, **k: pytest.fail("rendered twice"))
    iteration = submission.iterations.get()
    assert services.run_rendering(iteration.pk).status == Rendering.Status.DONE


def test_a_rendering_that_fails_is_stored_failed_with_its_reason(learner, brief, monkeypatch):
    iteration = submit_without_running_jobs(learner, brief)

    def broken(*args, **kwargs):
        raise KeyError("outputs")

    monkeypatch.setattr(notebooks, "render_document", broken)
    rendering = services.run_rendering(iteration.pk)
    assert rendering.status == Rendering.Status.FAILED
    assert "KeyError" in rendering.error


def test_a_rendering_at_its_time_limit_is_stored_as_too_large(learner, brief, monkeypatch):
    iteration = submit_without_running_jobs(learner, brief)

    def slow(*args, **kwargs):
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(notebooks, "render_document", slow)
    tasks.render_iteration.apply(args=[iteration.pk])
    rendering = Rendering.objects.get(iteration=iteration)
    assert (rendering.status, rendering.error) == (Rendering.Status.FAILED, services.TOO_LARGE_TO_SHOW)


def test_the_notebook_frame_never_renders_in_the_request(learner_client, learner, brief, monkeypatch):
    iteration = submit_without_running_jobs(learner, brief)
    monkeypatch.setattr(notebooks, "render_document", lambda *a, **k: pytest.fail("rendered in the request"))
    monkeypatch.setattr(notebooks, "load_notebook", lambda *a, **k: pytest.fail("parsed in the request"))
    response = learner_client.get(reverse("capstones:notebook", kwargs={"pk": iteration.submission_id, "number": 1}))
    assert response.status_code == 200
    assert "being prepared" in response.text
    assert "http-equiv='refresh'" in response.text  # updates itself, without script
    assert response["Content-Security-Policy"].startswith("sandbox ")
    assert "allow-scripts" not in response["Content-Security-Policy"]


def test_a_failed_rendering_frame_gives_the_reason_and_is_not_retried(learner_client, learner, brief, monkeypatch):
    iteration = submit_without_running_jobs(learner, brief)
    services.finish_rendering(iteration.pk, error="This notebook cannot be shown here (KeyError); download it.")
    monkeypatch.setattr(notebooks, "render_document", lambda *a, **k: pytest.fail("retried by a page view"))
    url = reverse("capstones:notebook", kwargs={"pk": iteration.submission_id, "number": 1})
    for _ in range(2):
        response = learner_client.get(url)
        assert "cannot be shown here (KeyError)" in response.text
        assert "refresh" not in response.text


def test_worker_children_have_a_memory_ceiling():
    from dlcurriculum.celery_app import app

    assert app.conf.worker_max_memory_per_child > 0


def test_notebook_tasks_have_soft_and_hard_time_limits(settings):
    for task in (tasks.analyse_iteration, tasks.render_iteration):
        assert 0 < task.soft_time_limit < task.time_limit
