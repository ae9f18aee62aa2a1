import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from capstones import services
from tests import factories
from tests.queries import assert_database_query_count

from .notebook_builders import code, md, notebook


@pytest.fixture
def mentor_client(client, mentor):
    client.force_login(mentor)
    return client


def test_queue_lists_oldest_first(mentor_client, make_submission, brief):
    with time_machine.travel(timezone.now() - timezone.timedelta(days=2)):
        older = make_submission(factories.UserFactory(), brief, title="Older one")
    newer = make_submission(factories.UserFactory(), brief, title="Newer one")
    text = mentor_client.get(reverse("capstones:queue")).text
    assert text.index(older.title) < text.index(newer.title)


def test_queue_shows_the_reports_verdict_in_words(mentor_client, make_submission, brief):
    learner = factories.UserFactory()
    broken = make_submission(learner, brief, notebook(md(), code("import torch\nimport keras")))
    services.ask_for_review(broken, learner=learner, reason="keras is only mentioned")
    text = mentor_client.get(reverse("capstones:queue")).text
    assert "Breaks the rules" in text


def test_claimed_submission_shows_as_taken_to_other_mentors(mentor_client, submission):
    other = factories.MentorFactory(name="Ada Other")
    services.claim(submission, mentor=other)
    text = mentor_client.get(reverse("capstones:queue")).text
    assert "Taken by Ada Other" in text
    assert reverse("capstones:claim", kwargs={"pk": submission.pk}) not in text


def test_idle_claim_shows_as_claimable_again(mentor_client, submission, settings):
    services.claim(submission, mentor=factories.MentorFactory())
    with time_machine.travel(timezone.now() + timezone.timedelta(days=settings.CAPSTONE_CLAIM_IDLE_DAYS + 1)):
        text = mentor_client.get(reverse("capstones:queue")).text
    assert reverse("capstones:claim", kwargs={"pk": submission.pk}) in text


def test_decided_submissions_leave_the_queue(mentor_client, claimed, mentor):
    services.decide(claimed, mentor=mentor, decision="approved", feedback="")
    assert claimed.title not in mentor_client.get(reverse("capstones:queue")).text


def test_claim_from_queue_redirects_to_the_submission(mentor_client, submission, mentor):
    response = mentor_client.post(reverse("capstones:claim", kwargs={"pk": submission.pk}))
    assert response.url == submission.get_absolute_url()
    submission.refresh_from_db()
    assert submission.mentor == mentor


def test_losing_a_claim_race_shows_a_message(mentor_client, submission):
    services.claim(submission, mentor=factories.MentorFactory())
    response = mentor_client.post(reverse("capstones:claim", kwargs={"pk": submission.pk}), follow=True)
    assert "already claimed" in response.text


def fill_queue(brief, count):
    for i in range(count):
        iteration = services.submit_iteration(
            learner=factories.UserFactory(),
            brief=brief,
            title=f"S{i}",
            idea=brief.ideas.first(),
            own_problem="",
            repository_url="",
            write_up="w",
            notebook_bytes=b"{}",
            filename="n.ipynb",
        )
        services.finish_analysis(iteration.pk, verdict="pass", data={})
        if i % 2:
            services.claim(iteration.submission, mentor=factories.MentorFactory())


def test_queue_query_count_does_not_grow_with_the_queue(mentor_client, brief):
    url = reverse("capstones:queue")
    fill_queue(brief, 2)
    mentor_client.get(url)  # warm-up
    # user, the page's count and rows (the nav's unread and queue counts come from the cache)
    with assert_database_query_count(3):
        assert mentor_client.get(url).status_code == 200
    fill_queue(brief, 12)
    mentor_client.get(url)  # the new submissions changed both counts the navigation shows: known again
    with assert_database_query_count(3):
        response = mentor_client.get(url)
    assert response.text.count("<tr") == 1 + 14


def test_submission_page_query_count_does_not_grow_with_history(client, learner, brief, make_submission):
    sub = make_submission(learner, brief)
    client.force_login(learner)
    client.get(sub.get_absolute_url())  # warm-up
    # user, submission, iterations (with reports, renderings, reviews), comments, what waited here
    # marked read (the nav's unread count comes from the cache)
    with assert_database_query_count(5):
        client.get(sub.get_absolute_url())
    m = factories.MentorFactory()
    services.claim(sub, mentor=m)
    for _ in range(3):
        # Each resubmission comes back to the same mentor: one conversation growing over iterations.
        services.add_comment(sub.iterations.latest("number"), author=m, body="c", cell=1)
        services.add_comment(sub.iterations.latest("number"), author=learner, body="reply")
        services.decide(sub, mentor=m, decision="changes_requested", feedback="f")
        make_submission(learner, brief)
        if sub.iterations.count() == 2:
            client.get(sub.get_absolute_url())  # warm-up
            # ...and, from the second iteration on, the stored diff against the previous one
            with assert_database_query_count(6):
                client.get(sub.get_absolute_url())
    client.get(sub.get_absolute_url())  # warm-up: what waited is read, the count cached again
    with assert_database_query_count(6):
        response = client.get(sub.get_absolute_url())
    assert "#4" in response.text


def test_queue_is_paginated_so_its_cost_does_not_grow_with_the_backlog(mentor_client, brief, monkeypatch):
    from capstones import selectors

    monkeypatch.setattr(selectors, "QUEUE_PAGE_SIZE", 5)
    fill_queue(brief, 7)
    first = mentor_client.get(reverse("capstones:queue"))
    assert first.text.count("<tr") == 1 + 5
    assert "7 submissions waiting for or in review" in first.text
    assert "Page 1 of 2" in first.text
    second = mentor_client.get(reverse("capstones:queue"), {"page": 2})
    assert second.text.count("<tr") == 1 + 2
    # An out-of-range page shows the last page instead of failing.
    assert mentor_client.get(reverse("capstones:queue"), {"page": 99}).text.count("<tr") == 1 + 2
