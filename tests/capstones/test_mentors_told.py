"""Issue 28: in local mode (tasks in-process, no beat) each event of the conversation reaches the
other side exactly once, batched; the mentors as a group hear of work ready for review."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from capstones import services
from capstones.models import Notification
from dlcurriculum import local_beat
from tests import factories


@pytest.fixture
def later(time_machine, settings):
    """Move the clock on past the burst's quiet delay, as the local beat's next tick would see it."""
    settings.CAPSTONE_NOTIFY_DELAY_SECONDS = 30

    def move(seconds=31):
        time_machine.move_to(timezone.now() + timedelta(seconds=seconds), tick=False)

    return move


def sent_to(outbox, user):
    return [m for m in outbox if user.email in m.to]


# --------------------------------------------------------------------------- the local beat


def test_the_local_beat_sends_a_batch_once_its_burst_is_over(claimed, mentor, learner, mailoutbox, later):
    services.add_comment(claimed.iterations.get(), author=mentor, body="Hint")
    assert local_beat.run_once()["capstones.tasks.send_due_notifications"] == 0
    later()
    assert local_beat.run_once()["capstones.tasks.send_due_notifications"] == 1
    assert local_beat.run_once()["capstones.tasks.send_due_notifications"] == 0
    assert len(sent_to(mailoutbox, learner)) == 1


def test_due_batches_go_to_each_recipient_once(claimed, mentor, learner, mailoutbox, later):
    services.add_comment(claimed.iterations.get(), author=mentor, body="Hint")
    services.add_comment(claimed.iterations.get(), author=learner, body="Thanks")
    later()
    assert services.send_due_notifications() == 2
    assert services.send_due_notifications() == 0
    assert (len(sent_to(mailoutbox, learner)), len(sent_to(mailoutbox, mentor))) == (1, 1)


def test_a_burst_still_going_on_is_not_due(claimed, mentor, learner, mailoutbox, later):
    services.add_comment(claimed.iterations.get(), author=mentor, body="Hint")
    later(20)
    assert services.send_due_notifications() == 0


@pytest.mark.parametrize(
    ("argv", "environ", "redis_url", "seconds", "starts"),
    [
        (["manage.py", "runserver"], {"RUN_MAIN": "true"}, "", 10, True),
        (["manage.py", "runserver", "--noreload"], {}, "", 10, True),
        (["manage.py", "runserver"], {}, "", 10, False),  # the autoreloader's watcher
        (["manage.py", "runserver"], {"RUN_MAIN": "true"}, "redis://x", 10, False),
        (["manage.py", "runserver"], {"RUN_MAIN": "true"}, "", 0, False),
        (["manage.py", "migrate"], {"RUN_MAIN": "true"}, "", 10, False),
    ],
)
def test_the_local_beat_starts_only_under_runserver_in_local_mode(argv, environ, redis_url, seconds, starts, settings):
    settings.REDIS_URL = redis_url
    settings.LOCAL_BEAT_SECONDS = seconds
    assert local_beat.should_start(argv, environ, settings) is starts


def test_the_due_batches_are_on_celery_beat_too(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["capstones-notifications-due"]
    assert entry["task"] == "capstones.tasks.send_due_notifications"
    assert Notification  # the rows it reads are the only state: nothing is kept in the beat


# --------------------------------------------------------------------------- group notices


def test_every_mentor_but_the_learner_is_told_a_submission_is_ready(make_submission, brief, mentor, learner):
    second = factories.MentorFactory()
    learner.groups.add(*mentor.groups.all())  # a mentor taking the capstone is not told of their own work
    submission = make_submission(learner, brief)
    told = set(
        Notification.objects.filter(submission=submission, kind=Notification.Kind.READY).values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {mentor.pk, second.pk}


def test_a_claim_before_the_batch_goes_out_settles_the_other_mentors_notice(
    make_submission, learner, brief, mentor, mailoutbox, later
):
    second = factories.MentorFactory()
    submission = make_submission(learner, brief)
    services.claim(submission, mentor=mentor)
    later()
    services.send_due_notifications()
    assert sent_to(mailoutbox, second) == []
    assert not Notification.objects.filter(recipient=second, read_at__isnull=True).exists()


def test_a_new_upload_leaves_one_ready_notice_per_mentor(make_submission, learner, brief, mentor, later):
    from tests.capstones.notebook_builders import code, md, notebook

    make_submission(learner, brief, notebook(md(), code("from keras import layers")))
    make_submission(learner, brief)
    pending = Notification.objects.filter(recipient=mentor, read_at__isnull=True)
    assert list(pending.values_list("kind", flat=True)) == [Notification.Kind.READY]


# --------------------------------------------------------------------------- saying what happened


@pytest.mark.parametrize(
    ("decision", "said"),
    [("approved", "Mentor Name approved your capstone"), ("changes_requested", "Mentor Name asked for changes")],
)
def test_a_decision_says_which_it_was(claimed, mentor, learner, decision, said):
    mentor.name = "Mentor Name"
    mentor.save()
    services.decide(claimed, mentor=mentor, decision=decision, feedback="Feedback.")
    notification = Notification.objects.get(recipient=learner, kind=Notification.Kind.DECISION)
    assert notification.what_happened == said


def test_a_message_on_a_cell_says_which_cell(claimed, mentor, learner):
    mentor.name = "Mentor Name"
    mentor.save()
    services.add_comment(claimed.iterations.get(), author=mentor, body="Why?", cell=2)
    notification = Notification.objects.get(recipient=learner, kind=Notification.Kind.MESSAGE)
    assert notification.what_happened == "Mentor Name commented on cell 2"


# --------------------------------------------------------------------------- the navigation


def test_the_review_queue_count_shows_for_mentors_only_and_follows_claims(submission, mentor, learner, client):
    client.force_login(mentor)
    assert 'aria-label="1 waiting"' in client.get("/").text
    services.claim(submission, mentor=mentor)
    assert 'waiting"' not in client.get("/").text
    client.force_login(learner)
    assert "Review queue" not in client.get("/").text


def test_the_review_queue_count_costs_no_query_once_known(submission, mentor, rf):
    from capstones import selectors
    from tests.queries import assert_database_query_count

    selectors.queue_count()
    with assert_database_query_count(0):
        assert selectors.queue_count() == 1


def test_the_waiting_page_clears_the_navigation_count_and_still_lists_what_came(claimed, mentor, learner, client):
    services.add_comment(claimed.iterations.get(), author=mentor, body="Hint")
    client.force_login(learner)
    assert 'aria-label="1 unread"' in client.get("/").text
    page = client.get(reverse("capstones:inbox")).text
    assert "commented" in page
    assert 'unread"' not in page
    assert 'unread"' not in client.get("/").text
    assert "commented" in client.get(reverse("capstones:inbox")).text


def test_the_local_beats_quiet_ticks_leave_the_console_to_the_e_mails():
    import logging
    import threading

    def record(level):
        return logging.LogRecord("celery.app.trace", level, __file__, 1, "Task succeeded", None, None)

    quiet, kept = local_beat.QuietTicks(), []
    tick = threading.Thread(
        target=lambda: kept.extend(quiet.filter(record(lvl)) for lvl in (logging.INFO, logging.ERROR)),
        name=local_beat.THREAD_NAME,
    )
    tick.start()
    tick.join()
    assert kept == [False, True]
    assert quiet.filter(record(logging.INFO))  # a request's own task still logs
