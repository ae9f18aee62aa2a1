"""Each action on a capstone moves its learner's change stamp exactly once: one UPDATE
(dlcurriculum.users.changes), however many rows and nested services it writes (an upload used to
move it five times: the submission, the iteration, its report, the finished check, its
transition); staff's edits in the admin too, and the dashboard shows them at once."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from capstones import account_data, services
from capstones.models import Iteration, Portfolio, Report, Review, Submission
from progress import services as progress_services
from progress.models import Status
from stages.models import Resource
from tests import factories
from tests.queries import assert_database_query_count, stamp_updates
from tests.submitting import submission_form, submit_capstone

from .notebook_builders import code, md, notebook

pytestmark = pytest.mark.django_db


def stamp(user) -> int:
    return get_user_model().objects.values_list("changes", flat=True).get(pk=user.pk)


def capstone(client):
    """The dashboard's entry for the (only) capstone."""
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    (entry,) = response.context["dashboard"].capstone_status
    return entry


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


# --- The services, statement by statement --------------------------------------------------------


def test_an_upload_moves_the_stamp_once(learner, brief):
    # The brief's first idea (the test's), savepoint, the learner's submission (none yet), its
    # insert, the next number, the iteration, its report and rendering, the stamp, release.
    with assert_database_query_count(10) as queries:
        submit_capstone(learner, brief)  # its check runs after commit (not here)
    assert stamp_updates(queries) == 1


def test_an_upload_of_a_new_iteration_moves_the_stamp_once(learner, submission, brief):
    # As above, with the transition back to checking (its savepoint, lock, update, the mentors'
    # notices to settle, the row read back, release) and the new title: 17.
    with assert_database_query_count(17) as queries:
        submit_capstone(learner, brief)  # the transition back to checking, the iteration, its jobs
    assert stamp_updates(queries) == 1


def test_a_finished_check_moves_the_stamp_once(learner, brief):
    iteration = submit_capstone(learner, brief)
    # The lease (2), the iteration and the brief's frameworks (4), then one block: the report,
    # the iteration and its latest number, the transition to waiting (savepoint, lock, update,
    # the learner, the mentors to tell, release...), the stamp, release; the report read back.
    with assert_database_query_count(21) as queries:
        services.run_analysis(iteration.pk)  # the report, then the transition out of checking
    assert stamp_updates(queries) == 1
    assert Submission.objects.get().status == Submission.Status.WAITING


def test_asking_for_a_review_moves_the_stamp_once(learner, brief, make_submission):
    broken = make_submission(learner, brief, notebook(md(), code("from tensorflow import keras")))
    assert broken.status == Submission.Status.RULES_BROKEN
    # Savepoint, the transition (7 with its savepoint), the latest iteration and its reason, the
    # stamp, release.
    with assert_database_query_count(13) as queries:
        services.ask_for_review(broken, learner=learner, reason="keras is only mentioned")
    assert stamp_updates(queries) == 1


def test_a_claim_moves_the_stamp_once(submission, mentor):
    # Savepoint, lock, the mentor check, the update, the notices to settle, the row read back,
    # the stamp, release.
    with assert_database_query_count(8) as queries:
        services.claim(submission, mentor=mentor)
    assert stamp_updates(queries) == 1


def test_a_release_moves_the_stamp_once(claimed, mentor):
    with assert_database_query_count(9) as queries:  # as a claim, with the mentors to tell
        services.release(claimed, mentor=mentor)
    assert stamp_updates(queries) == 1


@pytest.mark.parametrize("decision", [Review.Decision.APPROVED, Review.Decision.CHANGES_REQUESTED])
def test_a_decision_with_feedback_moves_the_stamp_once(claimed, mentor, decision):
    # Savepoint, the brief's rubric (a shared cached read, cold here), the transition with its review
    # and notification (8 with its savepoint), the latest iteration and the feedback, the stamp, release.
    with assert_database_query_count(14) as queries:
        services.decide(claimed, mentor=mentor, decision=decision, feedback="Well argued.")
    assert stamp_updates(queries) == 1


def test_each_lapsed_claim_released_moves_its_learners_stamp_once(claimed, mentor, brief, make_submission):
    other = factories.UserFactory()
    second = services.claim(make_submission(other, brief), mentor=mentor)
    later = timezone.now() + timedelta(days=365)
    with CaptureQueriesContext(connection) as context:
        assert services.release_idle_claims(later) == 2
    assert stamp_updates(context.captured_queries) == 2  # two actions, one for each learner
    assert Submission.objects.get(pk=second.pk).status == Submission.Status.WAITING


def test_a_mentor_leaving_moves_the_stamps_of_the_learners_they_reviewed_in_one_update(
    claimed, mentor, brief, make_submission, learner
):
    other = factories.UserFactory()
    services.claim(make_submission(other, brief), mentor=mentor)
    before = stamp(learner), stamp(other)
    with assert_database_query_count(5) as queries:  # savepoint, their learners, the claims, the stamps, release
        account_data.erase(mentor)
    assert stamp_updates(queries) == 1
    assert (stamp(learner), stamp(other)) == (before[0] + 1, before[1] + 1)


# --- The requests ---------------------------------------------------------------------------------


def test_the_upload_request_moves_the_stamp_once_and_its_check_once_more(
    learner_client, learner, brief, django_capture_on_commit_callbacks
):
    with CaptureQueriesContext(connection) as context, django_capture_on_commit_callbacks() as checks:
        response = learner_client.post(reverse("capstones:submit", args=[brief.key]), submission_form(brief))
    assert response.status_code == 302
    assert stamp_updates(context.captured_queries) == 1
    assert capstone(learner_client).status == Submission.Status.CHECKING
    with CaptureQueriesContext(connection) as context:
        for check in checks:
            check()  # the check and the rendering, in-process as a worker would run them
    assert stamp_updates(context.captured_queries) == 1  # the check's report and transition
    assert capstone(learner_client).status == Submission.Status.WAITING


def test_the_mentors_requests_move_the_stamp_once_each(client, learner, submission, mentor):
    client.force_login(mentor)
    with CaptureQueriesContext(connection) as context:
        client.post(reverse("capstones:claim", args=[submission.pk]))
    assert stamp_updates(context.captured_queries) == 1
    with CaptureQueriesContext(connection) as context:
        client.post(reverse("capstones:decide", args=[submission.pk]), {"decision": "approved", "body": "Good."})
    assert stamp_updates(context.captured_queries) == 1
    client.force_login(learner)
    assert capstone(client).status == Submission.Status.APPROVED


# --- Staff in the admin ---------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, staff):
    from django.test import Client

    admin = Client()
    admin.force_login(staff)
    return admin


def change_form(submission, **overrides) -> dict:
    data = {
        "title": submission.title,
        "idea": submission.idea_id or "",
        "own_problem": submission.own_problem,
        "mentor": "",
        "iterations-TOTAL_FORMS": str(submission.iterations.count()),
        "iterations-INITIAL_FORMS": str(submission.iterations.count()),
        "iterations-MIN_NUM_FORMS": "0",
        "iterations-MAX_NUM_FORMS": "1000",
    }
    for n, iteration in enumerate(submission.iterations.order_by("number")):
        data[f"iterations-{n}-id"] = iteration.pk
        data[f"iterations-{n}-submission"] = submission.pk
    data.update(overrides)
    return data


def test_staff_assigning_a_mentor_shows_on_the_dashboard_at_once_with_one_update(
    admin_client, learner_client, submission, mentor
):
    assert capstone(learner_client).status == Submission.Status.WAITING
    url = reverse("admin:capstones_submission_change", args=[submission.pk])
    with CaptureQueriesContext(connection) as context:
        response = admin_client.post(url, change_form(submission, mentor=mentor.pk))
    assert response.status_code == 302
    # The row saved, its inline, and the assignment (a transition): one UPDATE of the stamp.
    assert stamp_updates(context.captured_queries) == 1
    assert capstone(learner_client).status == Submission.Status.IN_REVIEW


def test_staff_editing_a_submission_moves_the_stamp_once(admin_client, learner, submission):
    before = stamp(learner)
    url = reverse("admin:capstones_submission_change", args=[submission.pk])
    with CaptureQueriesContext(connection) as context:
        assert admin_client.post(url, change_form(submission, title="A clearer title")).status_code == 302
    assert stamp_updates(context.captured_queries) == 1
    assert stamp(learner) == before + 1


def test_staff_deleting_a_submission_leaves_the_dashboard_at_once(admin_client, learner_client, submission):
    assert capstone(learner_client).status == Submission.Status.WAITING
    url = reverse("admin:capstones_submission_delete", args=[submission.pk])
    with CaptureQueriesContext(connection) as context:
        admin_client.post(url, {"post": "yes"})
    assert not Submission.objects.exists()
    assert stamp_updates(context.captured_queries) == 1
    assert capstone(learner_client).status == "not_started"


def test_staff_deleting_an_iteration_shows_on_the_dashboard_at_once(
    admin_client, learner_client, learner, brief, submission, make_submission
):
    make_submission(learner, brief)
    assert capstone(learner_client).iterations == 2
    latest = Iteration.objects.get(number=2)
    with CaptureQueriesContext(connection) as context:
        admin_client.post(
            reverse("admin:capstones_iteration_changelist"),
            {"action": "delete_selected", "_selected_action": [latest.pk], "post": "yes"},
        )
    assert stamp_updates(context.captured_queries) == 1
    assert capstone(learner_client).iterations == 1


def test_staff_rerunning_a_check_moves_the_stamp_once(
    admin_client, learner_client, submission, django_capture_on_commit_callbacks
):
    assert capstone(learner_client).verdict
    report = Report.objects.get(iteration__submission=submission)
    with CaptureQueriesContext(connection) as context, django_capture_on_commit_callbacks(execute=False):
        admin_client.post(
            reverse("admin:capstones_report_changelist"), {"action": "rerun", "_selected_action": [report.pk]}
        )
    assert stamp_updates(context.captured_queries) == 1
    assert capstone(learner_client).verdict == ""


def test_staff_changing_a_portfolios_address_moves_the_completion_records_link_at_once(
    admin_client, learner_client, learner, curriculum
):
    for resource in Resource.objects.filter(optional=False):
        progress_services.set_status(learner, resource, Status.DONE)
    for brief in factories.CapstoneBriefFactory._meta.model.objects.all():
        factories.SubmissionFactory(learner=learner, brief=brief, status="approved", approved_at=timezone.now())
    learner_client.post(reverse("completion_record"), {"public": "1"})
    portfolio = Portfolio.objects.get(learner=learner)
    page = learner_client.get(reverse("dashboard")).context["dashboard"]
    assert page.completion_record_url.endswith(f"/{portfolio.slug}/")
    url = reverse("admin:capstones_portfolio_change", args=[portfolio.pk])
    with CaptureQueriesContext(connection) as context:
        response = admin_client.post(url, {"learner": learner.pk, "slug": "a-new-address", "headline": ""})
    assert response.status_code == 302, response.context["adminform"].errors if response.context else response
    assert stamp_updates(context.captured_queries) == 1
    page = learner_client.get(reverse("dashboard")).context["dashboard"]
    assert page.completion_record_url.endswith("/a-new-address/")


def test_staff_only_looking_moves_nothing(admin_client, learner, submission):
    before = stamp(learner)
    for name, pk in (
        ("submission", submission.pk),
        ("iteration", submission.iterations.get().pk),
        ("report", Report.objects.get().pk),
    ):
        assert admin_client.get(reverse(f"admin:capstones_{name}_change", args=[pk])).status_code == 200
        assert admin_client.get(reverse(f"admin:capstones_{name}_changelist")).status_code == 200
    assert stamp(learner) == before
