"""The capstone policy: one rule per question, and a POST the page would not offer is refused by it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from capstones import policy, services
from capstones.models import Comment
from tests import factories


@pytest.fixture
def second_iteration(make_submission, claimed, mentor, learner, brief):
    """The learner uploaded again after the mentor asked for changes: iteration 1 is history."""
    services.decide(claimed, mentor=mentor, decision="changes_requested", feedback="Explain the loss.")
    return make_submission(learner, brief)


@pytest.fixture
def mentor_client(client, mentor):
    client.force_login(mentor)
    return client


def test_members_of_the_mentors_group_are_mentors(db):
    assert policy.is_mentor(factories.MentorFactory())


def test_admins_are_mentors(db):
    assert policy.is_mentor(factories.UserFactory(is_staff=True))


def test_learners_and_visitors_are_not_mentors(learner):
    assert not policy.is_mentor(learner)
    assert not policy.is_mentor(AnonymousUser())


def test_mentor_choices_in_the_admin_are_exactly_the_mentors(db, learner):
    mentor, admin = factories.MentorFactory(), factories.UserFactory(is_staff=True)
    assert set(policy.mentors()) == {mentor, admin}


def test_a_mentor_may_claim_a_waiting_submission_but_not_their_own(submission, mentor, learner):
    assert policy.may_claim(mentor, submission)
    assert not policy.may_claim(learner, submission)


def test_nobody_may_claim_a_submission_another_mentor_reviews(claimed):
    assert not policy.may_claim(factories.MentorFactory(), claimed)


def test_only_the_reviewing_mentor_may_decide(claimed, mentor):
    assert policy.may_decide(mentor, claimed)
    assert not policy.may_decide(factories.MentorFactory(), claimed)


def test_the_learner_may_comment_on_the_latest_iteration_only(submission, learner):
    assert policy.may_comment(learner, submission, on_latest_iteration=True)
    assert not policy.may_comment(learner, submission, on_latest_iteration=False)


def test_the_page_of_an_old_iteration_offers_no_comment_form(client, learner, second_iteration):
    client.force_login(learner)
    response = client.get(reverse("capstones:iteration", kwargs={"pk": second_iteration.pk, "number": 1}))
    assert response.context["comment_form"] is None


def test_a_comment_posted_directly_on_an_old_iteration_is_refused(client, learner, second_iteration):
    client.force_login(learner)
    url = reverse("capstones:comment", kwargs={"pk": second_iteration.pk, "number": 1})
    response = client.post(url, {"body": "Late reply on the old version."})
    assert response.status_code == 403
    assert not Comment.objects.filter(body="Late reply on the old version.").exists()


def test_a_comment_on_an_old_iteration_is_refused_by_the_service_too(learner, second_iteration):
    old = second_iteration.iterations.get(number=1)
    with pytest.raises(PermissionDenied, match="latest iteration"):
        services.add_comment(old, author=learner, body="x")


def test_a_comment_on_the_latest_iteration_is_still_accepted(client, learner, second_iteration):
    client.force_login(learner)
    url = reverse("capstones:comment", kwargs={"pk": second_iteration.pk, "number": 2})
    client.post(url, {"body": "Here is the new version."})
    assert Comment.objects.filter(body="Here is the new version.", iteration__number=2).exists()


def test_the_review_queue_menu_entry_is_shown_to_mentors_only(client, mentor_client, learner):
    queue = reverse("capstones:queue")
    assert queue in mentor_client.get(reverse("home")).text
    client.force_login(learner)
    assert queue not in client.get(reverse("home")).text
