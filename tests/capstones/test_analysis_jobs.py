import time_machine
from django.utils import timezone

from capstones import services
from capstones.models import Iteration, Report
from tests.submitting import submission_form, submit_capstone


def submit_without_running_jobs(learner, brief):
    """As if the broker was down: the after-commit enqueue never reaches a worker."""
    return submit_capstone(learner, brief)


def test_report_stays_pending_until_the_job_runs(learner, brief):
    iteration = submit_without_running_jobs(learner, brief)
    assert Report.objects.get(iteration=iteration).status == Report.Status.PENDING


def test_sweep_reenqueues_a_report_that_was_never_computed(learner, brief, django_capture_on_commit_callbacks):
    iteration = submit_without_running_jobs(learner, brief)
    with (
        time_machine.travel(timezone.now() + timezone.timedelta(minutes=30)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.sweep()["reports"] == 1
    assert Report.objects.get(iteration=iteration).status == Report.Status.DONE


def test_sweep_leaves_recently_enqueued_reports_alone(learner, brief, django_capture_on_commit_callbacks):
    submit_without_running_jobs(learner, brief)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep()["reports"] == 0


def test_analysis_is_idempotent(submission):
    iteration = submission.iterations.get()
    first = Report.objects.get(iteration=iteration)
    again = services.run_analysis(iteration.pk)
    assert (again.finished_at, again.attempts) == (first.finished_at, first.attempts)


def test_analysis_keeps_the_rendering(submission):
    assert "<script" not in Iteration.objects.get(submission=submission).rendered_html
    assert "Linear" in Iteration.objects.get(submission=submission).rendered_html


def test_unreadable_stored_file_marks_the_report_failed(learner, brief):
    iteration = submit_without_running_jobs(learner, brief)
    with iteration.notebook.storage.open(iteration.notebook.name, "wb") as handle:
        handle.write(b"garbage")
    report = services.run_analysis(iteration.pk)
    assert report.status == Report.Status.FAILED
    assert "not valid JSON" in report.error


def test_a_notebook_that_breaks_the_renderer_fails_the_report_not_the_request(
    learner_client, learner, brief, django_capture_on_commit_callbacks, monkeypatch
):
    from django.urls import reverse

    from capstones import notebooks

    def broken(*args, **kwargs):
        raise RecursionError("too deep")

    monkeypatch.setattr(notebooks, "render_document", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = learner_client.post(reverse("capstones:submit", kwargs={"key": brief.key}), submission_form(brief))
    assert response.status_code == 302
    report = Report.objects.get(iteration__submission__learner=learner)
    assert report.status == Report.Status.FAILED
    assert "RecursionError" in report.error


def test_unrenderable_notebook_frame_shows_an_apology(learner_client, learner, brief):
    from django.urls import reverse

    iteration = submit_without_running_jobs(learner, brief)
    with iteration.notebook.storage.open(iteration.notebook.name, "wb") as handle:
        handle.write(b"garbage")
    response = learner_client.get(reverse("capstones:notebook", kwargs={"pk": iteration.submission_id, "number": 1}))
    assert response.status_code == 200
    assert "cannot be shown here" in response.text
    assert response["Content-Security-Policy"].startswith("sandbox;")
