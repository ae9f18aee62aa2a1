"""The hourly Celery job, run by a real worker on Redis."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from progress.models import Reminder
from progress.tasks import send_reminders


def test_reminders_are_scheduled_every_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["mail-send-reminders"]
    assert entry["task"] == send_reminders.name
    assert entry["schedule"].minute == {0} and len(entry["schedule"].hour) == 24


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_runs_a_reminder_pass_end_to_end(small_curriculum, make_learner, celery_app, celery_worker, mailoutbox):
    now = timezone.now()
    learner = make_learner(reminder_hour=(now - timedelta(minutes=1)).hour, date_joined=now - timedelta(days=30))
    summary = send_reminders.delay().get(timeout=30)
    assert summary["sent"] == 1
    assert [m.to for m in mailoutbox] == [[learner.email]]
    assert Reminder.objects.get(user=learner).status == "sent"


@pytest.mark.django_db
def test_task_run_again_after_a_retry_sends_nothing_twice(small_curriculum, make_learner, frozen_now, mailoutbox):
    make_learner()
    first = send_reminders.apply().get()
    again = send_reminders.apply().get()
    assert (first["sent"], again["sent"], len(mailoutbox)) == (1, 0, 1)
