import pytest
from django.urls import reverse

from capstones import services
from capstones.models import Submission


@pytest.fixture
def mentor_client(client, mentor):
    client.force_login(mentor)
    return client


def test_mentor_decision_through_the_page_emails_the_learner(
    mentor_client, claimed, learner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = mentor_client.post(
            reverse("capstones:decide", kwargs={"pk": claimed.pk}),
            {"decision": "changes_requested", "body": "Explain the loss function.", "cell": "2"},
        )
    assert response.status_code == 302
    claimed.refresh_from_db()
    assert claimed.status == Submission.Status.CHANGES_REQUESTED
    assert [m.to for m in mailoutbox] == [[learner.email]]


def test_decision_without_feedback_is_refused(mentor_client, claimed, mailoutbox):
    response = mentor_client.post(
        reverse("capstones:decide", kwargs={"pk": claimed.pk}), {"decision": "approved"}, follow=True
    )
    assert "write your feedback" in response.text
    claimed.refresh_from_db()
    assert claimed.status == Submission.Status.IN_REVIEW
    assert mailoutbox == []


def test_cell_comment_is_shown_to_the_learner(mentor_client, claimed, client, learner):
    mentor_client.post(
        reverse("capstones:comment", kwargs={"pk": claimed.pk, "number": 1}), {"body": "Nice plot here.", "cell": "4"}
    )
    client.force_login(learner)
    text = client.get(claimed.get_absolute_url()).text
    assert "Nice plot here." in text
    assert 'id="cell-4">Cell 4</dt>' in text


def test_comment_on_a_cell_that_does_not_exist_is_refused(mentor_client, claimed):
    response = mentor_client.post(
        reverse("capstones:comment", kwargs={"pk": claimed.pk, "number": 1}), {"body": "x", "cell": "99"}, follow=True
    )
    assert "not saved" in response.text
    assert not claimed.iterations.get().comments.exists()


def test_learner_replies_in_the_conversation(learner_client, claimed):
    learner_client.post(
        reverse("capstones:comment", kwargs={"pk": claimed.pk, "number": 1}), {"body": "Thanks, fixing it."}
    )
    assert "Thanks, fixing it." in learner_client.get(claimed.get_absolute_url()).text


def test_comment_markdown_is_sanitised(learner_client, claimed):
    learner_client.post(
        reverse("capstones:comment", kwargs={"pk": claimed.pk, "number": 1}),
        {"body": "<script>alert(1)</script> [x](javascript:alert(2))"},
    )
    text = learner_client.get(claimed.get_absolute_url()).text
    assert "<script>alert(1)" not in text
    assert 'href="javascript:' not in text


def test_a_remote_image_in_a_comment_is_a_link_not_a_fetch(learner_client, claimed):
    # Issue #35, finding 7: an <img> would be fetched from its host by every reader's browser.
    learner_client.post(
        reverse("capstones:comment", kwargs={"pk": claimed.pk, "number": 1}),
        {"body": "See ![loss curve](http://tracker.example/p.gif?u=1)"},
    )
    text = learner_client.get(claimed.get_absolute_url()).text
    assert "tracker.example" in text
    assert '<img src="http://tracker.example' not in text
    assert '<a href="http://tracker.example/p.gif?u=1" rel="noopener noreferrer nofollow">Image: loss curve</a>' in text


def test_release_returns_the_submission_to_the_queue(mentor_client, claimed):
    mentor_client.post(reverse("capstones:release", kwargs={"pk": claimed.pk}))
    claimed.refresh_from_db()
    assert (claimed.status, claimed.mentor) == (Submission.Status.WAITING, None)


def test_queue_nav_link_is_shown_to_mentors(mentor_client):
    assert reverse("capstones:queue") in mentor_client.get("/").text


def test_queue_nav_link_is_hidden_from_learners(learner_client):
    assert reverse("capstones:queue") not in learner_client.get("/").text


def test_feedback_sent_after_the_claim_was_released_is_shown_back_not_dropped(mentor_client, claimed, mentor):
    services.release(claimed, mentor=mentor)
    response = mentor_client.post(
        reverse("capstones:decide", kwargs={"pk": claimed.pk}),
        {"decision": "changes_requested", "body": "A long review I do not want to type twice."},
    )
    assert response.status_code in (403, 409)
    assert "A long review I do not want to type twice.</textarea>" in response.text
    assert 'class="site-header"' in response.text


def test_a_comment_refused_as_too_long_is_shown_back(mentor_client, claimed):
    body = "word " * 2001
    response = mentor_client.post(reverse("capstones:comment", kwargs={"pk": claimed.pk, "number": 1}), {"body": body})
    assert response.status_code == 400
    assert body.strip() in response.text
