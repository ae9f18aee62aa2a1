import pytest

from capstones import services
from capstones.models import Submission
from tests import factories
from tests.concurrency import run_at_once
from tests.submitting import submit_capstone


@pytest.mark.django_db(transaction=True)
def test_two_mentors_claiming_at_once_exactly_one_wins(brief):
    learner = factories.UserFactory()
    iteration = submit_capstone(learner, brief, title="Race")
    mentors = [factories.MentorFactory(), factories.MentorFactory()]

    def claim(mentor):
        services.claim(Submission.objects.get(pk=iteration.submission_id), mentor=mentor)

    def outcome(exc) -> str:
        if exc is None:
            return "won"
        return f"lost: {exc}" if isinstance(exc, services.TransitionError) else f"error: {exc!r}"

    raised = run_at_once(claim, [(m,) for m in mentors])
    outcomes = {m.pk: outcome(exc) for m, exc in zip(mentors, raised, strict=True)}

    assert sorted(o.split(":")[0] for o in outcomes.values()) == ["lost", "won"], outcomes
    winner = next(pk for pk, o in outcomes.items() if o == "won")
    submission = Submission.objects.get(pk=iteration.submission_id)
    assert (submission.status, submission.mentor_id) == (Submission.Status.IN_REVIEW, winner)
