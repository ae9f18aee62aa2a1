"""Issue 28: in local mode (tasks in-process, no beat) each event of the conversation reaches the
other side exactly once, batched; the mentors as a group hear of work ready for review."""

from datetime import timedelta

import pytest
from django.utils import timezone

from capstones import services
from capstones.models import Notification
from dlcurriculum import local_beat


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
