"""The automatic check runs before a mentor spends time: a notebook that breaks a rule stays with
the learner, who is told what to change and may ask for a human review with a reason."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from capstones import selectors, services
from capstones.models import Iteration, Report, Submission
from capstones.services import Action, TransitionError
from tests import factories

from .notebook_builders import as_bytes, code, good_notebook, md, notebook

Status = Submission.Status


def keras_notebook():
    return notebook(md(), code("import torch\nfrom tensorflow import keras"))


def submit_without_running_jobs(learner, brief, nb=None):
    """As if no worker had picked the check up yet."""
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


@pytest.fixture
def broken(make_submission, learner, brief):
    return make_submission(learner, brief, keras_notebook())


# --- transitions -------------------------------------------------------------------------------


def test_a_new_submission_is_checking_until_its_check_finishes(learner, brief):
    iteration = submit_without_running_jobs(learner, brief)
    assert Submission.objects.get(pk=iteration.submission_id).status == Status.CHECKING


def test_a_passing_check_puts_the_submission_in_the_queue(submission):
    assert submission.status == Status.WAITING
    assert submission in selectors.review_queue()


def test_a_check_that_finds_rule_breaks_keeps_the_submission_out_of_the_queue(broken):
    assert broken.status == Status.RULES_BROKEN
    assert broken not in selectors.review_queue()


def test_a_checking_submission_is_not_in_the_queue(learner, brief):
    iteration = submit_without_running_jobs(learner, brief)
    assert not selectors.review_queue().filter(pk=iteration.submission_id).exists()


def test_a_check_that_could_not_run_sends_the_submission_to_a_mentor(learner, brief):
    iteration = submit_without_running_jobs(learner, brief)
    services.finish_analysis(iteration.pk, error=services.TOO_LARGE_TO_CHECK)
    assert Submission.objects.get(pk=iteration.submission_id).status == Status.WAITING


def test_a_mentor_cannot_claim_a_submission_whose_check_found_rule_breaks(broken, mentor):
    with pytest.raises(TransitionError, match="rule breaks"):
        services.claim(broken, mentor=mentor)


def test_a_mentor_cannot_claim_a_submission_still_being_checked(learner, brief, mentor):
    iteration = submit_without_running_jobs(learner, brief)
    with pytest.raises(TransitionError, match="still running"):
        services.claim(iteration.submission, mentor=mentor)


def test_uploading_a_fix_after_rule_breaks_checks_it_again(broken, make_submission, learner, brief):
    fixed = make_submission(learner, brief, good_notebook())
    assert (fixed.pk, fixed.status) == (broken.pk, Status.WAITING)
    assert fixed.iterations.count() == 2


def test_an_older_iterations_check_finishing_late_does_not_move_the_submission(learner, brief):
    first = submit_without_running_jobs(learner, brief, keras_notebook())
    submit_without_running_jobs(learner, brief)
    services.run_analysis(first.pk)
    assert Submission.objects.get(pk=first.submission_id).status == Status.CHECKING


def test_asking_for_a_review_puts_the_submission_in_the_queue_with_the_reason(broken, learner):
    moved = services.ask_for_review(broken, learner=learner, reason="keras is only in a comment string")
    assert moved.status == Status.WAITING
    row = selectors.review_queue().get(pk=broken.pk)
    assert row.latest_review_reason == "keras is only in a comment string"


def test_asking_for_a_review_needs_a_reason(broken, learner):
    with pytest.raises(TransitionError, match="Say why"):
        services.ask_for_review(broken, learner=learner, reason="   ")
    assert Submission.objects.get(pk=broken.pk).status == Status.RULES_BROKEN


def test_only_the_learner_can_ask_for_a_review(broken, other_learner):
    with pytest.raises(PermissionDenied):
        services.ask_for_review(broken, learner=other_learner, reason="please")


def test_a_mentor_cannot_ask_for_a_review_on_a_learners_behalf(broken, mentor):
    with pytest.raises(PermissionDenied):
        services.ask_for_review(broken, learner=mentor, reason="please")


def test_a_passing_submission_needs_no_review_request(submission, learner):
    with pytest.raises(TransitionError, match="already waiting"):
        services.ask_for_review(submission, learner=learner, reason="please")


def test_only_the_system_moves_a_submission_out_of_checking(learner, brief):
    iteration = submit_without_running_jobs(learner, brief)
    with pytest.raises(PermissionDenied):
        services.transition(iteration.submission, Action.CHECK_PASSED, actor=learner)


def test_the_database_refuses_a_claimed_submission_in_checking(claimed):
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.filter(pk=claimed.pk).update(status=Status.CHECKING)


def test_the_database_refuses_a_failed_report_without_a_reason(submission):
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(iteration__submission=submission).update(status="failed", verdict="", error="")


# --- pages ---------------------------------------------------------------------------------------


def test_the_learner_is_told_what_to_change(client, broken, learner):
    client.force_login(learner)
    page = client.get(broken.get_absolute_url()).text
    assert "has not gone to a mentor yet" in page
    assert "keras" in page
    assert "Ask for a human review" in page


def test_the_learners_reason_is_shown_to_the_mentor_on_the_submission(client, broken, learner, mentor):
    services.ask_for_review(broken, learner=learner, reason="It is <b>only</b> a string")
    client.force_login(mentor)
    page = client.get(broken.get_absolute_url()).text
    assert "The learner asks for a human review" in page
    assert "It is &lt;b&gt;only&lt;/b&gt; a string" in page


def test_the_learners_reason_is_shown_in_the_queue(client, broken, learner, mentor):
    services.ask_for_review(broken, learner=learner, reason="Only a string mentions keras")
    client.force_login(mentor)
    assert "Only a string mentions keras" in client.get(reverse("capstones:queue")).text


def test_ask_review_view_moves_the_submission(client, broken, learner):
    client.force_login(learner)
    response = client.post(reverse("capstones:ask_review", kwargs={"pk": broken.pk}), {"reason": "a false alarm"})
    assert response.status_code == 302
    assert Submission.objects.get(pk=broken.pk).status == Status.WAITING
    assert Iteration.objects.get(submission=broken).review_reason == "a false alarm"


def test_ask_review_view_without_a_reason_keeps_the_submission(client, broken, learner):
    client.force_login(learner)
    client.post(reverse("capstones:ask_review", kwargs={"pk": broken.pk}), {"reason": ""})
    assert Submission.objects.get(pk=broken.pk).status == Status.RULES_BROKEN


def test_another_learner_cannot_ask_for_a_review(client, broken, other_learner):
    client.force_login(other_learner)
    response = client.post(reverse("capstones:ask_review", kwargs={"pk": broken.pk}), {"reason": "x"})
    assert response.status_code == 404
    assert Submission.objects.get(pk=broken.pk).status == Status.RULES_BROKEN


def test_a_pending_check_says_so_and_updates_itself(client, learner, brief):
    iteration = submit_without_running_jobs(learner, brief)
    client.force_login(learner)
    page = client.get(iteration.get_absolute_url()).text
    assert "Check running" in page
    assert reverse("capstones:status", kwargs={"pk": iteration.submission_id, "number": 1}) in page
    assert "capstone-status.js" in page
    assert '<meta http-equiv="refresh"' in page  # inside <noscript>: without JavaScript


def test_the_status_endpoint_reports_the_check_and_the_rendering(client, submission, learner):
    client.force_login(learner)
    data = client.get(reverse("capstones:status", kwargs={"pk": submission.pk, "number": 1})).json()
    assert data == {"report": "done", "verdict": "pass", "rendering": "done", "submission": "waiting"}


def test_the_dashboard_shows_the_verdict_in_words(client, broken, learner):
    client.force_login(learner)
    page = client.get(reverse("dashboard")).text
    assert "Breaks the rules" in page
    assert "breaks_rules" not in page.replace("verdict-breaks_rules", "")


def test_a_mentor_may_not_see_a_submission_whose_check_found_rule_breaks(client, broken):
    client.force_login(factories.MentorFactory())
    assert client.get(broken.get_absolute_url()).status_code == 404
