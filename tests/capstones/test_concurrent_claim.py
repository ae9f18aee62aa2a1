import threading

import pytest
from django.db import connections

from capstones import services
from capstones.models import Submission
from tests import factories

from .notebook_builders import as_bytes, good_notebook


@pytest.mark.django_db(transaction=True)
def test_two_mentors_claiming_at_once_exactly_one_wins(brief):
    learner = factories.UserFactory()
    iteration = services.submit_iteration(
        learner=learner, brief=brief, title="Race", idea=brief.ideas.first(), own_problem="",
        repository_url="", write_up="w", notebook_bytes=as_bytes(good_notebook()), filename="n.ipynb",
    )
    mentors = [factories.MentorFactory(), factories.MentorFactory()]
    start = threading.Barrier(2)
    outcomes: dict = {}

    def attempt(mentor):
        try:
            submission = Submission.objects.get(pk=iteration.submission_id)
            start.wait(timeout=10)
            services.claim(submission, mentor=mentor)
            outcomes[mentor.pk] = "won"
        except services.TransitionError as exc:
            outcomes[mentor.pk] = f"lost: {exc}"
        except Exception as exc:
            outcomes[mentor.pk] = f"error: {exc!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(m,)) for m in mentors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(o.split(":")[0] for o in outcomes.values()) == ["lost", "won"], outcomes
    winner = next(pk for pk, o in outcomes.items() if o == "won")
    submission = Submission.objects.get(pk=iteration.submission_id)
    assert (submission.status, submission.mentor_id) == (Submission.Status.IN_REVIEW, winner)
