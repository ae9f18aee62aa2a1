"""Pace-aware reminders: none during a pause, none when on track with the plan, and the e-mail
says where the learner stands against their own plan. Sent through a real SMTP server."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from dlcurriculum.mail.models import SentEmail
from progress import services
from progress.models import Activity, Reminder, ResourceProgress
from progress.reminders.sending import run_reminder_pass
from tests import factories

from .conftest import NOW

pytestmark = pytest.mark.django_db

TODAY = NOW.date()  # Wednesday 25 November 2026; every test learner is inactive since the 10th


def body(message) -> str:
    return message.get_payload()[0].get_payload(decode=True).decode()


def test_no_reminder_while_a_pause_covers_the_learners_today(small_curriculum, make_learner, smtp_server, frozen_now):
    learner = make_learner()
    services.add_pause(learner, start=TODAY - timedelta(days=2), end=TODAY + timedelta(days=5), label="Holiday")
    result = run_reminder_pass()
    assert (result.sent, result.held) == (0, 1)
    assert smtp_server.received == []
    assert not Reminder.objects.exists()


def test_a_pause_that_ended_yesterday_or_starts_tomorrow_stops_nothing(
    small_curriculum, make_learner, smtp_server, frozen_now
):
    before, after = make_learner(), make_learner()
    services.add_pause(before, start=TODAY - timedelta(days=9), end=TODAY - timedelta(days=1))
    services.add_pause(after, start=TODAY + timedelta(days=1), end=TODAY + timedelta(days=9))
    assert run_reminder_pass().sent == 2


def test_the_pause_is_on_the_learners_calendar(small_curriculum, make_learner, smtp_server, frozen_now):
    # 18:10 UTC on the 25th is 03:10 on the 26th in Tokyo: a pause from the 26th covers their today.
    in_tokyo = make_learner(timezone="Asia/Tokyo", reminder_hour=3)
    in_london = make_learner(timezone="Europe/London", reminder_hour=18)
    for learner in (in_tokyo, in_london):
        services.add_pause(learner, start=date(2026, 11, 26), end=date(2026, 11, 30))
    run_reminder_pass()
    assert smtp_server.recipients() == [in_london.email]


def test_after_the_pause_the_reminder_comes(small_curriculum, make_learner, smtp_server, time_machine):
    learner = make_learner()
    services.add_pause(learner, start=TODAY, end=TODAY)
    time_machine.move_to(NOW, tick=False)
    assert run_reminder_pass().sent == 0
    time_machine.move_to(NOW + timedelta(days=1), tick=False)
    assert run_reminder_pass().sent == 1
    assert smtp_server.recipients() == [learner.email]


def test_a_learner_behind_their_plan_is_told_by_how_much_and_when_they_would_finish(
    small_curriculum, make_learner, smtp_server, frozen_now
):
    learner = make_learner()
    # Five core resources of 10 hours; five weeks and six days (41 days) at 5 h/week planned by today.
    services.set_pace_plan(learner, today=TODAY - timedelta(days=41), hours_per_week=5)
    ResourceProgress.objects.create(user=learner, resource=small_curriculum.resources["fastai"], status="done")
    done = Activity.objects.create(user=learner, resource=small_curriculum.resources["fastai"], status="done")
    Activity.objects.filter(pk=done.pk).update(created_at=NOW - timedelta(days=20))
    result = run_reminder_pass()
    assert result.sent == 1
    ((_, message),) = smtp_server.received
    # 41 days x 5/7 h = 29.3 h planned, 10 h done; 40 h left at 5 h/week = 56 days from today.
    assert "Your pace: 19 hours behind your 5 h/week plan; projected finish 19 January 2027." in body(message)
    assert "/me/pace/" in body(message)


def test_a_learner_on_track_with_their_plan_gets_no_reminder(small_curriculum, make_learner, smtp_server, frozen_now):
    learner = make_learner()
    services.set_pace_plan(learner, today=TODAY - timedelta(days=14), hours_per_week=5)
    ResourceProgress.objects.create(user=learner, resource=small_curriculum.resources["fastai"], status="done")
    done = Activity.objects.create(user=learner, resource=small_curriculum.resources["fastai"], status="done")
    Activity.objects.filter(pk=done.pk).update(created_at=NOW - timedelta(days=10))
    result = run_reminder_pass()
    assert (result.sent, result.held) == (0, 1)
    assert smtp_server.received == []


def test_work_done_before_the_plan_started_does_not_put_a_learner_on_track(
    small_curriculum, make_learner, smtp_server, frozen_now
):
    learner = make_learner()
    services.set_pace_plan(learner, today=TODAY - timedelta(days=14), hours_per_week=5)
    ResourceProgress.objects.create(user=learner, resource=small_curriculum.resources["fastai"], status="done")
    done = Activity.objects.create(user=learner, resource=small_curriculum.resources["fastai"], status="done")
    Activity.objects.filter(pk=done.pk).update(created_at=NOW - timedelta(days=15))
    assert run_reminder_pass().sent == 1


def test_a_learner_behind_plan_gets_the_reminder_once(small_curriculum, make_learner, smtp_server, time_machine):
    learner = make_learner()
    services.set_pace_plan(learner, today=TODAY - timedelta(days=30), hours_per_week=5)
    time_machine.move_to(NOW, tick=False)
    run_reminder_pass()
    time_machine.move_to(NOW + timedelta(minutes=30), tick=False)
    run_reminder_pass()
    assert smtp_server.recipients() == [learner.email]
    assert SentEmail.objects.filter(user=learner, template="reminder").count() == 1


def test_a_retry_pending_when_a_pause_begins_is_cancelled_not_sent(
    small_curriculum, make_learner, smtp_server, time_machine
):
    learner = make_learner()
    smtp_server.reply = "451 4.3.0 Try again later"
    time_machine.move_to(NOW, tick=False)
    assert run_reminder_pass().retrying == 1
    services.add_pause(learner, start=TODAY, end=TODAY + timedelta(days=7))
    smtp_server.reply = None
    time_machine.move_to(NOW + timedelta(minutes=10), tick=False)
    run_reminder_pass()
    assert smtp_server.received == []
    assert Reminder.objects.get().status == Reminder.Status.CANCELLED


def test_without_a_plan_the_reminder_says_nothing_of_a_pace(small_curriculum, make_learner, smtp_server, frozen_now):
    make_learner()
    run_reminder_pass()
    ((_, message),) = smtp_server.received
    assert "Your pace" not in body(message)


def test_an_active_learner_behind_their_plan_gets_a_weekly_behind_reminder_once(
    small_curriculum, make_learner, smtp_server, time_machine
):
    learner = make_learner(last_login=NOW - timedelta(days=1), reminder_weekday=2)  # active; Wednesdays
    services.set_pace_plan(learner, today=TODAY - timedelta(days=30), hours_per_week=5)
    time_machine.move_to(NOW, tick=False)
    result = run_reminder_pass()
    assert (result.sent, dict(result.kinds)) == (1, {"behind": 1})
    assert Reminder.objects.get().period == "behind:2026-W48"
    time_machine.move_to(NOW + timedelta(days=1), tick=False)  # Thursday, same week
    assert run_reminder_pass().sent == 0
    assert "behind your 5 h/week plan" in body(smtp_server.received[0][1])


def test_an_active_learner_on_track_gets_no_behind_reminder(small_curriculum, make_learner, smtp_server, frozen_now):
    learner = make_learner(last_login=NOW - timedelta(days=1), reminder_weekday=2)
    services.set_pace_plan(learner, today=TODAY - timedelta(days=1), hours_per_week=5)
    assert run_reminder_pass().sent == 0


def test_an_inactive_learner_behind_their_plan_gets_the_inactivity_reminder_not_both(
    small_curriculum, make_learner, smtp_server, frozen_now
):
    learner = make_learner(reminder_weekday=2)  # inactive since the 10th
    services.set_pace_plan(learner, today=TODAY - timedelta(days=30), hours_per_week=5)
    result = run_reminder_pass()
    assert dict(result.kinds) == {"inactive": 1}
    assert Reminder.objects.filter(user=learner).count() == 1


def test_an_active_learner_without_a_plan_gets_no_behind_reminder(
    small_curriculum, make_learner, smtp_server, frozen_now
):
    make_learner(last_login=NOW - timedelta(days=1), reminder_weekday=2)
    assert run_reminder_pass().sent == 0


def test_the_reminder_and_the_dashboard_say_the_same_about_the_pace(
    small_curriculum, make_learner, smtp_server, frozen_now, client
):
    learner = make_learner(timezone="Asia/Tokyo", reminder_hour=3)  # 18:10 UTC is 03:10 tomorrow there
    services.set_pace_plan(learner, today=TODAY - timedelta(days=40), hours_per_week=6)
    services.add_pause(learner, start=TODAY - timedelta(days=10), end=TODAY - timedelta(days=8))
    ResourceProgress.objects.create(user=learner, resource=small_curriculum.resources["talk"], status="done")
    done = Activity.objects.create(user=learner, resource=small_curriculum.resources["talk"], status="done")
    Activity.objects.filter(pk=done.pk).update(created_at=NOW - timedelta(days=16))
    run_reminder_pass()
    ((_, message),) = smtp_server.received
    client.force_login(learner)
    projection = client.get("/me/").context["dashboard"].pace
    assert f"Your pace: {projection.summary}." in body(message)


def test_the_command_says_how_many_were_paused_or_on_track(small_curriculum, make_learner, smtp_server, frozen_now):
    learner = make_learner()
    services.add_pause(learner, start=TODAY, end=TODAY)
    out = StringIO()
    call_command("send_reminders", stdout=out, stderr=StringIO())
    assert "1 paused or on track with their pace plan" in out.getvalue()


def test_a_capstone_approved_since_the_plan_counts_as_done_as_on_the_dashboard(
    small_curriculum, make_learner, smtp_server, frozen_now
):
    """Issue #28: the reminders' figures are the dashboard's. Two weeks of a 5 h/week plan (10 h
    planned), nothing marked done: behind, unless the 40-hour capstone was approved meanwhile."""
    brief = factories.CapstoneBriefFactory(stage=small_curriculum.stages[2], effort_hours=40)
    approved, waiting = make_learner(), make_learner()
    for learner in (approved, waiting):
        services.set_pace_plan(learner, today=TODAY - timedelta(days=14), hours_per_week=5)
    factories.SubmissionFactory(learner=approved, brief=brief, status="approved", approved_at=NOW - timedelta(days=3))
    factories.SubmissionFactory(learner=waiting, brief=brief, status="waiting")
    result = run_reminder_pass()
    assert (result.sent, result.held) == (1, 1)
    ((_, message),) = smtp_server.received
    assert smtp_server.recipients() == [waiting.email]
    # 50 h of core work and the 40-hour capstone left at 5 h/week: 126 days from today.
    finish = TODAY + timedelta(days=125)
    assert f"10 hours behind your 5 h/week plan; projected finish {finish.day} {finish:%B %Y}." in body(message)
