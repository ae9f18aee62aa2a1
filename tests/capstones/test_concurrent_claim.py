import pytest

from capstones import services
from capstones.models import Submission
from tests import factories
from tests.concurrency import run_at_once

from .notebook_builders import as_bytes, good_notebook


@pytest.mark.django_db(transaction=True)
def test_two_mentors_claiming_at_once_exactly_one_wins(brief):
    learner = factories.UserFactory()
    iteration = services.submit_iteration(
        learner=learner,
        brief=brief,
        title="Race",
        idea=brief.ideas.first(),
        own_problem="",
        repository_url="",
        write_up="w",
        notebook_bytes=as_bytes(good_notebook()),
        filename="n.ipynb",
    )
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
