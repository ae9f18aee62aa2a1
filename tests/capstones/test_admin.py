import pytest
from django.urls import reverse

from capstones.models import Submission


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


@pytest.mark.parametrize("model", ["submission", "iteration", "report", "review", "comment", "portfolio"])
def test_admin_changelists_load(admin_client, claimed, mentor, model):
    from capstones import services

    services.decide(claimed, mentor=mentor, decision="changes_requested", feedback="x")
    assert admin_client.get(reverse(f"admin:capstones_{model}_changelist")).status_code == 200


def test_admin_submission_page_loads(admin_client, submission):
    assert admin_client.get(reverse("admin:capstones_submission_change", args=[submission.pk])).status_code == 200


def test_admin_iteration_page_links_the_protected_download(admin_client, submission):
    iteration = submission.iterations.get()
    response = admin_client.get(reverse("admin:capstones_iteration_change", args=[iteration.pk]))
    assert reverse("capstones:download", kwargs={"pk": submission.pk, "number": 1}) in response.text


def test_admin_assigns_a_mentor(admin_client, submission, mentor):
    url = reverse("admin:capstones_submission_change", args=[submission.pk])
    data = {
        "title": submission.title,
        "idea": submission.idea_id,
        "own_problem": "",
        "mentor": mentor.pk,
        "iterations-TOTAL_FORMS": "1",
        "iterations-INITIAL_FORMS": "1",
        "iterations-MIN_NUM_FORMS": "0",
        "iterations-MAX_NUM_FORMS": "1000",
        "iterations-0-id": submission.iterations.get().pk,
        "iterations-0-submission": submission.pk,
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].errors if response.context else response
    submission.refresh_from_db()
    assert (submission.status, submission.mentor) == (Submission.Status.IN_REVIEW, mentor)


def test_report_rerun_action_recomputes(admin_client, submission, django_capture_on_commit_callbacks):
    from capstones.models import Report

    report = Report.objects.get(iteration__submission=submission)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:capstones_report_changelist"), {"action": "rerun", "_selected_action": [report.pk]}
        )
    report.refresh_from_db()
    assert (report.status, report.attempts) == (Report.Status.DONE, 2)
