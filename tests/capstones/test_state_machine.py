import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from capstones import services
from capstones.models import Comment, Iteration, Report, Review, Submission
from capstones.services import Action, TransitionError
from tests import factories

from .notebook_builders import code, md, notebook

Status = Submission.Status


def test_first_submission_waits_for_review_with_one_iteration(submission):
    assert submission.status == Status.WAITING
    assert list(submission.iterations.values_list("number", flat=True)) == [1]


def test_submission_gets_its_automatic_report(submission):
    report = Report.objects.get(iteration__submission=submission)
    assert report.status == Report.Status.DONE
    assert report.verdict == Report.Verdict.PASS
    assert report.data["frameworks"] == ["torch"]


def test_report_uses_the_briefs_forbidden_frameworks(make_submission, learner, brief):
    sub = make_submission(learner, brief, notebook(md(), code("import torch\nfrom tensorflow import keras")))
    report = Report.objects.get(iteration__submission=sub)
    assert report.verdict == Report.Verdict.BREAKS_RULES
    assert report.data["violations"][0]["library"] == "keras"


def test_claim_puts_submission_in_review_by_that_mentor(submission, mentor):
    claimed = services.claim(submission, mentor=mentor)
    assert (claimed.status, claimed.mentor, claimed.claimed_at is not None) == (Status.IN_REVIEW, mentor, True)


def test_second_mentor_cannot_claim_a_claimed_submission(claimed):
    with pytest.raises(TransitionError, match="already claimed"):
        services.claim(claimed, mentor=factories.MentorFactory())


def test_learner_cannot_claim(submission, other_learner):
    with pytest.raises(PermissionDenied):
        services.claim(submission, mentor=other_learner)


def test_mentor_cannot_review_own_capstone(make_submission, mentor, brief):
    own = make_submission(mentor, brief)
    with pytest.raises(PermissionDenied):
        services.claim(own, mentor=mentor)


def test_only_the_claiming_mentor_decides(claimed):
    with pytest.raises(PermissionDenied):
        services.decide(claimed, mentor=factories.MentorFactory(), decision="approved", feedback="ok")


def test_cannot_decide_without_claiming(submission, mentor):
    with pytest.raises(TransitionError):
        services.decide(submission, mentor=mentor, decision="approved", feedback="ok")


def test_approval_records_review_date_and_feedback(claimed, mentor):
    approved = services.decide(claimed, mentor=mentor, decision="approved", feedback="Great work.", cell=2)
    assert approved.status == Status.APPROVED
    assert approved.approved_at is not None
    review = Review.objects.get(iteration__submission=approved)
    assert (review.decision, review.mentor) == ("approved", mentor)
    assert Comment.objects.get(iteration=review.iteration).cell == 2


def test_changes_requested_then_new_iteration_goes_back_to_the_same_mentor(
    claimed, mentor, learner, brief, make_submission
):
    services.decide(claimed, mentor=mentor, decision="changes_requested", feedback="Explain the loss.")
    again = make_submission(learner, brief)
    assert again.pk == claimed.pk
    assert (again.status, again.mentor, again.iterations.count()) == (Status.IN_REVIEW, mentor, 2)


def test_new_iteration_goes_to_the_queue_when_the_mentor_is_no_longer_a_mentor(
    claimed, mentor, learner, brief, make_submission
):
    services.decide(claimed, mentor=mentor, decision="changes_requested", feedback="Explain the loss.")
    mentor.groups.clear()
    again = make_submission(learner, brief)
    assert (again.status, again.mentor) == (Status.WAITING, None)


def test_new_iteration_keeps_the_old_one_untouched(claimed, mentor, learner, brief, make_submission):
    first = Iteration.objects.get(submission=claimed, number=1)
    first_bytes = first.notebook.read()
    services.decide(claimed, mentor=mentor, decision="changes_requested", feedback="More prose.")
    make_submission(learner, brief, notebook(md(), code("import torch\nprint('v2')")))
    first.refresh_from_db()
    second = Iteration.objects.get(submission=claimed, number=2)
    assert first.notebook.name != second.notebook.name
    with first.notebook.open("rb") as handle:
        assert handle.read() == first_bytes


def test_cannot_resubmit_while_in_review(claimed, learner, brief, make_submission):
    with pytest.raises(TransitionError, match="reviewing"):
        make_submission(learner, brief)


def test_cannot_resubmit_after_approval(claimed, mentor, learner, brief, make_submission):
    services.decide(claimed, mentor=mentor, decision="approved", feedback="")
    with pytest.raises(TransitionError, match="already approved"):
        make_submission(learner, brief)


def test_mentor_can_release_a_claim(claimed, mentor):
    released = services.release(claimed, mentor=mentor)
    assert (released.status, released.mentor) == (Status.WAITING, None)


def test_idle_claim_returns_to_the_queue(claimed, settings):
    with time_machine.travel(timezone.now() + timezone.timedelta(days=settings.CAPSTONE_CLAIM_IDLE_DAYS, hours=1)):
        assert services.release_idle_claims() == 1
    claimed.refresh_from_db()
    assert (claimed.status, claimed.mentor) == (Status.WAITING, None)


def test_recent_claim_is_not_released(claimed):
    assert services.release_idle_claims() == 0
    claimed.refresh_from_db()
    assert claimed.status == Status.IN_REVIEW


def test_idle_claim_can_be_taken_over_by_another_mentor(claimed, settings):
    other = factories.MentorFactory()
    with time_machine.travel(timezone.now() + timezone.timedelta(days=settings.CAPSTONE_CLAIM_IDLE_DAYS + 1)):
        taken = services.claim(claimed, mentor=other)
    assert taken.mentor == other


def test_mentor_comment_keeps_the_claim_alive(claimed, mentor, settings):
    later = timezone.now() + timezone.timedelta(days=settings.CAPSTONE_CLAIM_IDLE_DAYS - 1)
    with time_machine.travel(later):
        services.add_comment(claimed.iterations.get(), author=mentor, body="Looking at cell 3.")
    with time_machine.travel(later + timezone.timedelta(days=2)):
        assert services.release_idle_claims() == 0


def test_other_learner_cannot_comment(submission, other_learner):
    with pytest.raises(PermissionDenied):
        services.add_comment(submission.iterations.get(), author=other_learner, body="hi")


def test_admin_can_assign_a_mentor(submission, staff, mentor):
    assigned = services.assign(submission, admin=staff, mentor=mentor)
    assert (assigned.status, assigned.mentor) == (Status.IN_REVIEW, mentor)


def test_mentor_cannot_assign_another_mentor(submission, mentor):
    with pytest.raises(PermissionDenied):
        services.transition(submission, Action.CLAIM, actor=mentor, mentor=factories.MentorFactory())


def test_database_refuses_in_review_without_mentor(submission):
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.filter(pk=submission.pk).update(status=Status.IN_REVIEW)


def test_database_refuses_public_unapproved_submission(submission):
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.filter(pk=submission.pk).update(is_public=True)


def test_database_refuses_approved_without_date(claimed):
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.filter(pk=claimed.pk).update(status=Status.APPROVED)


def test_database_refuses_two_iterations_with_one_number(submission):
    first = submission.iterations.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Iteration.objects.create(
            submission=submission,
            number=1,
            notebook=first.notebook.name,
            original_name="x.ipynb",
            size=1,
            sha256="0" * 64,
            write_up="x",
        )


def test_database_refuses_two_decisions_on_one_iteration(claimed, mentor):
    services.decide(claimed, mentor=mentor, decision="changes_requested", feedback="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(iteration=claimed.iterations.get(), mentor=mentor, decision="approved")


def test_only_approved_capstone_can_be_made_public(submission, learner):
    with pytest.raises(TransitionError):
        services.set_submission_public(submission, learner=learner, public=True)


def test_project_idea_in_use_cannot_be_deleted(submission):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        submission.idea.delete()


def test_new_iteration_while_waiting_keeps_the_queue_position(submission, learner, brief, make_submission):
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=5)):
        again = make_submission(learner, brief)
    assert again.waiting_since == submission.waiting_since
    assert again.iterations.count() == 2


def test_new_iteration_after_changes_requested_queues_from_now(claimed, mentor, learner, brief, make_submission):
    services.decide(claimed, mentor=mentor, decision="changes_requested", feedback="")
    later = timezone.now() + timezone.timedelta(days=1)
    with time_machine.travel(later, tick=False):
        again = make_submission(learner, brief)
    assert again.waiting_since == later
