"""Issue #35, finding 2: a flood of messages is refused (per person and per conversation) with a
clear message and the text kept; one activity e-mail is bounded in items and bytes; a long
conversation is shown a page at a time at the same number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from capstones import services
from capstones.models import Comment, Notification
from tests.queries import assert_database_query_count


@pytest.fixture
def limits(settings):
    settings.CAPSTONE_MESSAGES_PER_USER = 3
    settings.CAPSTONE_MESSAGES_PER_SUBMISSION = 5
    settings.CAPSTONE_MESSAGE_WINDOW_SECONDS = 600
    return settings


def post(client, submission, body):
    url = reverse("capstones:comment", kwargs={"pk": submission.pk, "number": 1})
    return client.post(url, {"body": body, "cell": "", "decision": ""})


def test_a_person_sending_too_many_messages_is_told_and_keeps_the_text(claimed, mentor, client, limits):
    client.force_login(mentor)
    for n in range(3):
        assert post(client, claimed, f"Message {n}").status_code == 302
    response = post(client, claimed, "The fourth, kept for later")
    assert response.status_code == 429
    assert "You have sent 3 messages in the last 10 minutes" in response.text
    assert "The fourth, kept for later</textarea>" in response.text
    assert Comment.objects.count() == 3
    assert Notification.objects.count() == 3


def test_the_limit_counts_a_persons_messages_over_every_submission(
    claimed, mentor, limits, make_submission, brief, other_learner
):
    other = services.claim(make_submission(other_learner, brief), mentor=mentor)
    for n in range(3):
        services.add_comment(claimed.iterations.get(), author=mentor, body=f"m{n}")
    with pytest.raises(services.MessageRateLimitError):
        services.add_comment(other.iterations.get(), author=mentor, body="one more elsewhere")


def test_a_conversation_takes_a_bounded_number_of_messages_from_everyone(claimed, mentor, learner, limits):
    iteration = claimed.iterations.get()
    for n in range(5):
        services.add_comment(iteration, author=(mentor, learner)[n % 2] if n < 4 else learner, body=f"m{n}")
    with pytest.raises(services.MessageRateLimitError, match="This conversation had 5 messages"):
        services.add_comment(iteration, author=mentor, body="sixth")


def test_messages_older_than_the_window_do_not_count(claimed, mentor, limits):
    iteration = claimed.iterations.get()
    for n in range(3):
        services.add_comment(iteration, author=mentor, body=f"m{n}")
    Comment.objects.update(created_at=timezone.now() - timedelta(seconds=601))
    services.add_comment(iteration, author=mentor, body="after a pause")
    assert Comment.objects.count() == 4


def test_a_flood_is_one_bounded_email_with_a_link_to_the_rest(claimed, mentor, learner, mailoutbox, settings):
    settings.CAPSTONE_MESSAGES_PER_USER = settings.CAPSTONE_MESSAGES_PER_SUBMISSION = 1000
    settings.CAPSTONE_DIGEST_MAX_ITEMS = 20
    settings.CAPSTONE_DIGEST_MAX_BYTES = 50_000
    iteration = claimed.iterations.get()
    for n in range(150):
        services.add_comment(iteration, author=mentor, body=f"Flood {n:03} " + "x" * 9_000)
    later = timezone.now() + timedelta(seconds=settings.CAPSTONE_NOTIFY_MAX_WAIT_SECONDS + 1)
    assert services.send_notifications(learner.pk, now=later) == 150
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    text, html = message.body, message.alternatives[0][0]
    shown = [n for n in range(150) if f"Flood {n:03} " in text]
    assert shown == list(range(5))  # 5 x 9 KB fit in 50 KB
    assert "And 145 more updates, not shown here" in text
    assert reverse("capstones:inbox") in text.split("And 145 more updates")[1].splitlines()[0]
    assert "And 145 more updates</strong>" in html
    assert len(text.encode()) < 60_000
    assert len(html.encode()) < 70_000
    assert "150 updates" in message.subject
    # Everything is still in the inbox, settled by the one e-mail.
    assert Notification.objects.filter(recipient=learner, emailed_at__isnull=True).count() == 0


def test_a_digest_holds_at_most_the_item_cap(claimed, mentor, learner, mailoutbox, settings):
    settings.CAPSTONE_MESSAGES_PER_USER = settings.CAPSTONE_MESSAGES_PER_SUBMISSION = 1000
    settings.CAPSTONE_DIGEST_MAX_ITEMS = 4
    iteration = claimed.iterations.get()
    for n in range(7):
        services.add_comment(iteration, author=mentor, body=f"Short {n}")
    services.send_notifications(learner.pk, now=timezone.now() + timedelta(hours=1))
    text = mailoutbox[0].body
    assert [n for n in range(7) if f"Short {n}" in text] == [0, 1, 2, 3]
    assert "And 3 more updates" in text


def test_one_message_larger_than_the_byte_cap_is_cut_with_a_link(claimed, mentor, learner, mailoutbox, settings):
    settings.CAPSTONE_DIGEST_MAX_BYTES = 1_000
    services.add_comment(claimed.iterations.get(), author=mentor, body="é" * 3_000)
    services.send_notifications(learner.pk, now=timezone.now() + timedelta(hours=1))
    text = mailoutbox[0].body
    assert "é" * 500 in text
    assert "é" * 501 not in text
    assert "The message goes on; read it all on the site" in text


def _iteration_page(client, submission, **params):
    return client.get(reverse("capstones:submission", kwargs={"pk": submission.pk}), params)


def _bulk_comments(iteration, author, count):
    start = timezone.now() - timedelta(days=1)
    Comment.objects.bulk_create(
        Comment(iteration=iteration, author=author, body=f"Old note {n:03}", created_at=start + timedelta(seconds=n))
        for n in range(count)
    )


def test_a_long_conversation_is_paged_latest_first(claimed, mentor, client, settings):
    settings.CAPSTONE_CONVERSATION_PAGE_SIZE = 10
    _bulk_comments(claimed.iterations.get(), mentor, 25)
    client.force_login(mentor)
    latest = _iteration_page(client, claimed).text
    assert [n for n in range(25) if f"Old note {n:03}" in latest] == list(range(15, 25))
    assert "?conversation=2#conv-title" in latest
    second = _iteration_page(client, claimed, conversation=2).text
    assert [n for n in range(25) if f"Old note {n:03}" in second] == list(range(5, 15))
    assert "?conversation=1#conv-title" in second
    assert "?conversation=3#conv-title" in second
    last = _iteration_page(client, claimed, conversation=3).text
    assert [n for n in range(25) if f"Old note {n:03}" in last] == list(range(5))
    assert "?conversation=4" not in last
    assert _iteration_page(client, claimed, conversation="x' or 1=1").status_code == 200


def test_the_conversation_page_costs_the_same_queries_however_long(claimed, mentor, client, settings):
    settings.CAPSTONE_CONVERSATION_PAGE_SIZE = 10
    iteration = claimed.iterations.get()
    _bulk_comments(iteration, mentor, 3)
    client.force_login(mentor)
    _iteration_page(client, claimed)  # warm-up
    with assert_database_query_count(QUERIES):
        _iteration_page(client, claimed)
    _bulk_comments(iteration, mentor, 300)
    _iteration_page(client, claimed)
    with assert_database_query_count(QUERIES):
        text = _iteration_page(client, claimed).text
    assert text.count("Old note") == 10


# user (session cached), submission, iterations, marking read, one page of messages
QUERIES = 5
