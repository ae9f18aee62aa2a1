"""The reminder pass against the database: who gets one, what it says, and that it goes out once."""

import uuid
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from dlcurriculum.mail.models import SentEmail
from dlcurriculum.users.models import User
from progress import services as progress_services
from progress.models import Activity, Reminder, ResourceProgress
from progress.reminders.sending import run_reminder_pass
from stages.models import Resource
from tests import factories
from tests.queries import assert_database_query_count

from .conftest import NOW

pytestmark = pytest.mark.django_db


def mark(user, resource, status):
    ResourceProgress.objects.create(user=user, resource=resource, status=status)


def finish_everything(user, curriculum):
    for r in curriculum.resources.values():
        if not r.optional:
            mark(user, r, "done")


def test_inactive_learner_gets_one_reminder(small_curriculum, make_learner, frozen_now, mailoutbox):
    learner = make_learner()
    run_reminder_pass()
    assert [m.to for m in mailoutbox] == [[learner.email]]


def test_reminder_tells_why_progress_per_stage_and_next_up_with_a_direct_link(
    small_curriculum, make_learner, frozen_now, mailoutbox, settings
):
    learner = make_learner()
    mark(learner, small_curriculum.resources["fastai"], "done")
    mark(learner, small_curriculum.resources["talk"], "skipped")
    run_reminder_pass()
    body = mailoutbox[0].body
    crash_course = small_curriculum.resources["crash-course"]
    assert "I want to understand how AlphaGo learned & won." in body
    assert "1. A Practical Encounter: 1 of 3 done, 1 skipped" in body
    assert "2. Mathematical Foundations: not started (2 resources)" in body
    assert f"{settings.SITE_URL}/stages/practical/#resource-{crash_course.pk}" in body
    assert mailoutbox[0].subject == "Next up: Crash Course"


def test_reminder_has_plain_text_and_html_versions(small_curriculum, make_learner, frozen_now, mailoutbox):
    make_learner()
    run_reminder_pass()
    html, mimetype = mailoutbox[0].alternatives[0]
    assert mimetype == "text/html"
    assert "<h2>Next up</h2>" in html
    assert "AlphaGo learned &amp; won" in html
    assert "<" not in mailoutbox[0].body.split("--")[0]


def test_a_long_why_is_quoted_shortened_to_300_characters_in_both_parts(
    small_curriculum, make_learner, frozen_now, mailoutbox
):
    make_learner(why="Because " + "attention is all you need. " * 20 + "THE END")
    run_reminder_pass()
    html = mailoutbox[0].alternatives[0][0]
    quoted_text = mailoutbox[0].body.split('"')[1]
    assert len(quoted_text) == 300
    assert quoted_text.endswith("…")
    assert quoted_text.startswith("Because attention is all you need.")
    assert quoted_text in html
    assert "THE END" not in mailoutbox[0].body + html


def test_a_long_next_up_title_is_shortened_to_80_characters_in_the_subject(
    small_curriculum, make_learner, frozen_now, mailoutbox
):
    Resource.objects.filter(pk=small_curriculum.resources["fastai"].pk).update(title="Practical Deep Learning " * 8)
    make_learner()
    run_reminder_pass()
    subject = mailoutbox[0].subject
    assert subject.startswith("Next up: Practical Deep Learning Practical")
    assert len(subject) == len("Next up: ") + 80
    assert subject.endswith("…")


def test_reminder_carries_one_click_unsubscribe_headers(small_curriculum, make_learner, frozen_now, mailoutbox):
    make_learner()
    run_reminder_pass()
    headers = mailoutbox[0].extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Unsubscribe"].startswith("<")
    assert "/mail/unsubscribe/" in headers["List-Unsubscribe"]


def test_reminder_lists_resources_added_since_the_last_visit_to_started_stages(
    small_curriculum, make_learner, frozen_now, mailoutbox
):
    learner = make_learner()
    mark(learner, small_curriculum.resources["fastai"], "done")
    ResourceProgress.objects.update(updated_at=NOW - timedelta(days=20))
    Activity.objects.create(user=learner, status="done")
    Activity.objects.update(created_at=NOW - timedelta(days=10))
    added = factories.ResourceFactory(stage=small_curriculum.stages[0], order=5, title="Fresh Notebook")
    Resource.objects.filter(pk=added.pk).update(created_at=NOW - timedelta(days=2))
    untouched_stage_addition = factories.ResourceFactory(stage=small_curriculum.stages[1], order=3, title="Unseen")
    Resource.objects.filter(pk=untouched_stage_addition.pk).update(created_at=NOW - timedelta(days=2))
    run_reminder_pass()
    body = mailoutbox[0].body
    assert "New since your last visit:" in body
    assert "Fresh Notebook (A Practical Encounter)" in body
    assert "Unseen" not in body


def test_recently_active_learner_gets_no_reminder(small_curriculum, make_learner, frozen_now, mailoutbox):
    learner = make_learner()
    Activity.objects.create(user=learner, status="done")
    Activity.objects.update(created_at=NOW - timedelta(days=3))
    run_reminder_pass()
    assert mailoutbox == []


def test_recent_login_counts_as_activity(small_curriculum, make_learner, frozen_now, mailoutbox):
    make_learner(last_login=NOW - timedelta(days=1))
    run_reminder_pass()
    assert mailoutbox == []


def test_opted_out_learner_gets_no_reminder(small_curriculum, make_learner, frozen_now, mailoutbox):
    make_learner(reminder_frequency="off")
    run_reminder_pass()
    assert mailoutbox == []


def test_unverified_address_gets_no_reminder(small_curriculum, make_learner, frozen_now, mailoutbox):
    make_learner(verified=False)
    run_reminder_pass()
    assert mailoutbox == []


def test_changed_address_not_yet_verified_gets_no_reminder(small_curriculum, make_learner, frozen_now, mailoutbox):
    learner = make_learner()
    EmailAddress.objects.create(user=learner, email="new-address@example.com", verified=False)
    type(learner).objects.filter(pk=learner.pk).update(email="new-address@example.com")
    run_reminder_pass()
    assert mailoutbox == []


def test_inactive_account_gets_no_reminder(small_curriculum, make_learner, frozen_now, mailoutbox):
    make_learner(is_active=False)
    run_reminder_pass()
    assert mailoutbox == []


def test_learner_who_finished_everything_gets_no_reminder(small_curriculum, make_learner, frozen_now, mailoutbox):
    learner = make_learner()
    finish_everything(learner, small_curriculum)
    result = run_reminder_pass()
    assert mailoutbox == []
    assert result.finished == 1


def test_learner_is_reminded_at_the_preferred_hour_of_their_time_zone(
    small_curriculum, make_learner, time_machine, mailoutbox
):
    make_learner(timezone="Asia/Tokyo", reminder_hour=9)  # 09:00 JST = 00:00 UTC
    time_machine.move_to(NOW.replace(hour=23, minute=50), tick=False)
    run_reminder_pass()
    assert mailoutbox == []
    time_machine.move_to(NOW.replace(hour=0, minute=5) + timedelta(days=1), tick=False)
    run_reminder_pass()
    assert len(mailoutbox) == 1


def test_daylight_saving_change_keeps_the_local_hour(small_curriculum, make_learner, time_machine, mailoutbox):
    # New York: 09:00 is 13:00 UTC in summer time and 14:00 UTC from Sunday 1 November 2026.
    learner = make_learner(timezone="America/New_York", reminder_hour=9, reminder_frequency="weekly")
    time_machine.move_to(NOW.replace(month=11, day=2, hour=13, minute=30), tick=False)
    run_reminder_pass()
    assert mailoutbox == []
    time_machine.move_to(NOW.replace(month=11, day=2, hour=14, minute=30), tick=False)
    run_reminder_pass()
    assert len(mailoutbox) == 1
    assert Reminder.objects.get(user=learner).sent_at == NOW.replace(month=11, day=2, hour=14, minute=30)


def test_second_run_in_the_same_period_sends_nothing(small_curriculum, make_learner, time_machine, mailoutbox):
    make_learner()
    time_machine.move_to(NOW, tick=False)
    run_reminder_pass()
    time_machine.move_to(NOW + timedelta(hours=1), tick=False)
    run_reminder_pass()
    assert len(mailoutbox) == 1


def test_weekly_learner_gets_one_reminder_per_week(small_curriculum, make_learner, time_machine, mailoutbox):
    make_learner(reminder_frequency="weekly")
    monday = NOW + timedelta(days=5)
    for day in range(14):  # two calendar weeks, a run each day at the preferred hour
        time_machine.move_to(monday + timedelta(days=day), tick=False)
        run_reminder_pass()
    assert len(mailoutbox) == 2


def test_weekly_learner_is_reminded_on_their_chosen_weekday(small_curriculum, make_learner, time_machine, mailoutbox):
    make_learner(reminder_frequency="weekly", reminder_weekday=3)  # Thursday
    monday = NOW + timedelta(days=5)
    sent_on = []
    for day in range(7):
        time_machine.move_to(monday + timedelta(days=day), tick=False)
        before = len(mailoutbox)
        run_reminder_pass()
        sent_on += [(monday + timedelta(days=day)).strftime("%A")] * (len(mailoutbox) - before)
    assert sent_on == ["Thursday"]


def test_every_reminder_sent_is_recorded_with_recipient_and_reason(
    small_curriculum, make_learner, frozen_now, mailoutbox
):
    learner = make_learner()
    run_reminder_pass()
    record = SentEmail.objects.get()
    reminder = Reminder.objects.get()
    assert (record.to, record.user, record.template, record.status) == (learner.email, learner, "reminder", "sent")
    assert record.reason == f"reminder {reminder.period}"
    assert reminder.status == "sent"


class CrashAfter(LocmemBackend):
    """Stands in for the process dying while sending: the third message never leaves."""

    limit = 2

    def send_messages(self, messages):
        if len(mail.outbox) >= self.limit:
            raise RuntimeError("worker killed")
        return super().send_messages(messages)


def test_a_crash_mid_batch_sends_the_rest_later_and_nothing_twice(
    small_curriculum, make_learner, frozen_now, mailoutbox
):
    learners = [make_learner() for _ in range(5)]
    with pytest.raises(RuntimeError):
        run_reminder_pass(connection=CrashAfter())
    assert len(mailoutbox) == 2
    run_reminder_pass()
    assert sorted(to for m in mailoutbox for to in m.to) == sorted(u.email for u in learners)


def test_unreachable_smtp_server_schedules_a_retry_with_backoff(
    small_curriculum, make_learner, time_machine, mailoutbox, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens
    make_learner()
    time_machine.move_to(NOW, tick=False)
    result = run_reminder_pass()
    reminder = Reminder.objects.get()
    assert (result.retrying, reminder.status, reminder.attempts) == (1, "pending", 1)
    assert reminder.not_before == NOW + timedelta(seconds=settings.REMINDER_RETRY_BASE_SECONDS)
    assert "ConnectionRefusedError" in reminder.last_error


def test_reminder_failing_every_attempt_is_recorded_as_failed(
    small_curriculum, make_learner, time_machine, mailoutbox, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    settings.REMINDER_MAX_ATTEMPTS = 3
    make_learner()
    moment = NOW
    for _ in range(3):
        time_machine.move_to(moment, tick=False)
        run_reminder_pass()
        moment = Reminder.objects.get().not_before + timedelta(minutes=1)
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts) == ("failed", 3)
    assert SentEmail.objects.get().status == "failed"


def _one_pass(n_learners, touched_per_learner, curriculum, make_learner):
    for _ in range(n_learners):
        learner = make_learner()
        for r in list(curriculum.resources.values())[:touched_per_learner]:
            mark(learner, r, "in_progress")
            Activity.objects.create(user=learner, resource=r, status="in_progress")
        # A pace plan they are behind on, and past pauses: read per batch, not per learner.
        progress_services.set_pace_plan(learner, today=NOW.date() - timedelta(days=60), hours_per_week=5)
        for n in range(touched_per_learner):
            day = NOW.date() - timedelta(days=50 - 2 * n)
            progress_services.add_pause(learner, start=day, end=day)
    Activity.objects.update(created_at=NOW - timedelta(days=30))
    cache.clear()  # both passes read the curriculum outline from the database, not one from the cache
    # As below: the batch's pace plans, pauses, done times and capstone approvals are read once.
    with assert_database_query_count(18):
        result = run_reminder_pass(batch_size=50)
    assert result.sent == n_learners
    assert result.batches == 1


def test_queries_per_batch_do_not_grow_with_learners_or_history(small_curriculum, make_learner, frozen_now, mailoutbox):
    _one_pass(3, 1, small_curriculum, make_learner)
    User.objects.all().delete()  # same curriculum, a new and larger set of learners
    _one_pass(30, 5, small_curriculum, make_learner)


def test_a_batch_takes_a_fixed_number_of_queries(small_curriculum, make_learner, frozen_now, mailoutbox):
    for _ in range(20):
        make_learner()
    # curriculum outline (3: stages, resources, capstone hours) + one batch (candidates, progress,
    # pace plans, pauses, done times, capstone approvals (issue #28: the pace figures count them, as
    # the dashboard's do), the reported time's medians (issue #31: shared and cached, like the outline),
    # insert, claim, claimed rows, 2 writes in a savepoint pair, as the test runs inside a transaction)
    # + the empty last page.
    with assert_database_query_count(18):
        result = run_reminder_pass(batch_size=100)
    assert result.sent == 20


def test_learners_are_processed_in_batches_of_the_given_size(small_curriculum, make_learner, frozen_now, mailoutbox):
    for _ in range(7):
        make_learner()
    result = run_reminder_pass(batch_size=3)
    assert (result.batches, result.sent, len(mailoutbox)) == (3, 7, 7)


def test_reminder_claimed_by_a_run_that_died_is_sent_once_after_its_lease(
    small_curriculum, make_learner, time_machine, mailoutbox, settings
):
    learner = make_learner()
    lease = timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
    time_machine.move_to(NOW, tick=False)
    # What a run killed between claiming and recording leaves behind.
    period = run_reminder_pass(dry_run=True, sample_size=1).sample[0].period
    Reminder.objects.create(user=learner, period=period, attempts=1, claim=uuid.uuid4(), not_before=NOW + lease)
    run_reminder_pass()
    assert mailoutbox == []
    time_machine.move_to(NOW + lease + timedelta(minutes=1), tick=False)
    run_reminder_pass()
    run_reminder_pass()
    assert len(mailoutbox) == 1
    assert Reminder.objects.get().status == "sent"


def test_dry_run_sends_and_records_nothing(small_curriculum, make_learner, frozen_now, mailoutbox):
    make_learner()
    result = run_reminder_pass(dry_run=True)
    assert result.due == 1
    assert mailoutbox == []
    assert not Reminder.objects.exists()


def test_a_learner_without_a_display_name_is_greeted_by_number_never_by_address(
    small_curriculum, make_learner, frozen_now, mailoutbox
):
    learner = make_learner(email="ana.learner@example.com", name="")
    run_reminder_pass()
    assert mailoutbox[0].body.startswith(f"Hi Learner {learner.pk},")
    assert "ana.learner," not in mailoutbox[0].body
