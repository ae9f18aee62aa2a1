"""Who may do what, over every capstone URL (learner A owns the submission)."""

import pytest
from django.urls import reverse

from capstones import services
from tests import factories

ROLES = ["anonymous", "learner_a", "learner_b", "mentor", "admin"]
LOGIN = "login"  # redirected to the login page


@pytest.fixture
def as_role(client, learner, other_learner, mentor, staff):
    users = {"learner_a": learner, "learner_b": other_learner, "mentor": mentor, "admin": staff}

    def login(role):
        if role != "anonymous":
            client.force_login(users[role])
        return client

    return login


def check(response, expected):
    if expected == LOGIN and response.request["REQUEST_METHOD"] == "POST":
        # A post after the session ended keeps its text on a page that links to the sign-in.
        assert response.status_code == 401
        assert reverse("account_login") + "?next=" in response.content.decode()
    elif expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


def urls(submission, slug="nope"):
    pk = submission.pk
    return {
        "mine": reverse("capstones:mine"),
        "submit": reverse("capstones:submit", kwargs={"key": submission.brief.key}),
        "queue": reverse("capstones:queue"),
        "submission": reverse("capstones:submission", kwargs={"pk": pk}),
        "iteration": reverse("capstones:iteration", kwargs={"pk": pk, "number": 1}),
        "notebook": reverse("capstones:notebook", kwargs={"pk": pk, "number": 1}),
        "download": reverse("capstones:download", kwargs={"pk": pk, "number": 1}),
        "portfolio_settings": reverse("capstones:portfolio_settings"),
    }


# A's submission waits in the queue: mentors may look before claiming.
WAITING_GET = {
    #                    anonymous learner_a learner_b mentor admin
    "mine": (LOGIN, 200, 200, 200, 200),
    "submit": (LOGIN, 200, 200, 200, 200),
    "queue": (LOGIN, 403, 403, 200, 200),
    "submission": (LOGIN, 200, 404, 200, 200),
    "iteration": (LOGIN, 200, 404, 200, 200),
    "notebook": (LOGIN, 200, 404, 200, 200),
    "download": (LOGIN, 200, 404, 200, 200),
    "portfolio_settings": (LOGIN, 200, 200, 200, 200),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(WAITING_GET))
def test_get_while_waiting(as_role, submission, page, role):
    response = as_role(role).get(urls(submission)[page])
    check(response, WAITING_GET[page][ROLES.index(role)])


# Claimed by another mentor: only A, that mentor and admins see it.
CLAIMED_BY_OTHER_GET = {
    "submission": (LOGIN, 200, 404, 404, 200),
    "notebook": (LOGIN, 200, 404, 404, 200),
    "download": (LOGIN, 200, 404, 404, 200),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(CLAIMED_BY_OTHER_GET))
def test_get_while_another_mentor_reviews(as_role, submission, page, role):
    services.claim(submission, mentor=factories.MentorFactory())
    response = as_role(role).get(urls(submission)[page])
    check(response, CLAIMED_BY_OTHER_GET[page][ROLES.index(role)])


def test_mentor_who_decided_still_sees_the_submission(as_role, claimed, mentor):
    services.decide(claimed, mentor=mentor, decision="changes_requested", feedback="x")
    assert as_role("mentor").get(urls(claimed)["submission"]).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_guessed_download_of_missing_iteration_is_not_found(as_role, submission, role):
    url = reverse("capstones:download", kwargs={"pk": submission.pk, "number": 2})
    check(as_role(role).get(url), {"anonymous": LOGIN}.get(role, 404))


@pytest.mark.parametrize("role", ROLES)
def test_guessed_download_of_missing_submission_is_not_found(as_role, submission, role):
    url = reverse("capstones:download", kwargs={"pk": submission.pk + 1000, "number": 1})
    check(as_role(role).get(url), {"anonymous": LOGIN}.get(role, 404))


def test_stored_notebook_is_not_reachable_as_a_media_url(as_role, submission, settings):
    name = submission.iterations.get().notebook.name
    assert as_role("learner_b").get(f"/{settings.MEDIA_URL}{name}").status_code == 404


# POSTs on A's waiting submission.
WAITING_POST = {
    "claim": (LOGIN, 403, 403, 302, 302),
    "comment": (LOGIN, 302, 404, 403, 302),
    "visibility": (LOGIN, 302, 404, 404, 404),
}


def post_urls(submission):
    pk = submission.pk
    return {
        "claim": (reverse("capstones:claim", kwargs={"pk": pk}), {}),
        "comment": (reverse("capstones:comment", kwargs={"pk": pk, "number": 1}), {"body": "Hello"}),
        "visibility": (reverse("capstones:visibility", kwargs={"pk": pk}), {"public": "0"}),
        "release": (reverse("capstones:release", kwargs={"pk": pk}), {}),
        "decide": (reverse("capstones:decide", kwargs={"pk": pk}), {"decision": "approved", "body": "Fine"}),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(WAITING_POST))
def test_post_while_waiting(as_role, submission, action, role):
    url, data = post_urls(submission)[action]
    check(as_role(role).post(url, data), WAITING_POST[action][ROLES.index(role)])


# POSTs once `mentor` has claimed it.
CLAIMED_POST = {
    "release": (LOGIN, 403, 403, 302, 302),
    "decide": (LOGIN, 403, 403, 302, 403),
    "comment": (LOGIN, 302, 404, 302, 302),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(CLAIMED_POST))
def test_post_while_claimed(as_role, claimed, action, role):
    url, data = post_urls(claimed)[action]
    check(as_role(role).post(url, data), CLAIMED_POST[action][ROLES.index(role)])


def test_admin_cannot_decide_for_the_claiming_mentor(as_role, claimed):
    url, data = post_urls(claimed)["decide"]
    as_role("admin").post(url, data)
    claimed.refresh_from_db()
    assert claimed.status == "in_review"


def test_learner_b_gets_no_decision_side_effect(as_role, claimed):
    url, data = post_urls(claimed)["decide"]
    as_role("learner_b").post(url, data)
    claimed.refresh_from_db()
    assert claimed.status == "in_review"


def test_get_is_not_allowed_on_actions(as_role, submission):
    url, _ = post_urls(submission)["claim"]
    assert as_role("mentor").get(url).status_code == 405
