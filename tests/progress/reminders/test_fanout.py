"""The reminder pass shared out in id ranges to several workers: each learner gets one reminder, whoever sends it."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from progress.models import Reminder
from progress.reminders.selectors import learner_id_ranges
from progress.tasks import send_reminders
from tests import factories


@pytest.mark.django_db
def test_id_ranges_hold_every_active_account_exactly_once():
    users = [factories.UserFactory() for _ in range(7)]
    factories.UserFactory(is_active=False)
    ranges = learner_id_ranges(3)
    assert len(ranges) == 3
    ids = sorted(u.pk for u in users)
    covered = [pk for pk in ids for after, upto in ranges if pk > after and (upto is None or pk <= upto)]
    assert covered == ids


@pytest.mark.django_db
def test_the_last_range_is_open_for_accounts_made_during_the_pass():
    factories.UserFactory()
    factories.UserFactory()
    assert learner_id_ranges(1)[-1][1] is None


@pytest.mark.django_db
def test_no_accounts_no_ranges():
    assert learner_id_ranges(10) == []


@pytest.mark.django_db
def test_a_pass_shared_out_in_ranges_sends_each_due_learner_one_reminder(
    small_curriculum, make_learner, frozen_now, mailoutbox, settings, tasks_in_process
):
    settings.REMINDER_TASK_LEARNERS = 1
    learners = [make_learner() for _ in range(3)]
    assert send_reminders.apply().get() == {"ranges": 3}
    send_reminders.apply()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in learners)
    assert Reminder.objects.filter(status="sent").count() == 3


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_workers_share_a_pass_in_ranges_end_to_end(
    small_curriculum, make_learner, celery_app, celery_worker, mailoutbox, settings
):
    settings.REMINDER_TASK_LEARNERS = 1
    now = timezone.now()
    learners = [
        make_learner(reminder_hour=(now - timedelta(minutes=1)).hour, date_joined=now - timedelta(days=30))
        for _ in range(3)
    ]
    assert send_reminders.delay().get(timeout=30) == {"ranges": 3}
    deadline = timezone.now() + timedelta(seconds=30)
    while Reminder.objects.filter(status="sent").count() < 3 and timezone.now() < deadline:
        time.sleep(0.2)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in learners)
    assert Reminder.objects.filter(status="sent").count() == 3
