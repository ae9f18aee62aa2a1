"""When a reminder is due: the learner's clock, their interval, and daylight saving."""

from datetime import UTC, datetime, timedelta

from progress.reminders.schedule import Preferences, due_period

LAST_ACTIVE = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)


def prefs(frequency="inactivity", days=7, hour=18, tz="UTC", weekday=0):
    return Preferences(frequency=frequency, inactivity_days=days, hour=hour, timezone=tz, weekday=weekday)


def at(*args, tz=UTC):
    return datetime(*args, tzinfo=tz)


def test_inactive_longer_than_interval_is_due_at_preferred_hour():
    period = due_period(prefs(days=7), last_active=LAST_ACTIVE, now=at(2026, 11, 17, 18, 5))
    assert period == "inactive:20261110T100000Z:1"


def test_inactive_shorter_than_interval_is_not_due():
    assert due_period(prefs(days=14), last_active=LAST_ACTIVE, now=at(2026, 11, 17, 18, 5)) is None


def test_due_learner_waits_for_the_preferred_hour():
    assert due_period(prefs(hour=18), last_active=LAST_ACTIVE, now=at(2026, 11, 17, 17, 59)) is None


def test_a_missed_hourly_run_is_caught_up_within_the_window_only():
    window = timedelta(hours=3)
    assert due_period(prefs(), last_active=LAST_ACTIVE, now=at(2026, 11, 17, 20, 30), window=window) is not None
    assert due_period(prefs(), last_active=LAST_ACTIVE, now=at(2026, 11, 17, 21, 0), window=window) is None


def test_reminders_off_is_never_due():
    assert due_period(prefs(frequency="off"), last_active=LAST_ACTIVE, now=at(2026, 12, 30, 18, 5)) is None


def test_weekly_reminder_period_is_the_learners_iso_week():
    # The week is the learner's: Sunday 23:30 in Tokyo is week 48, 08:30 the next morning week 49.
    sunday_night_tokyo = at(2026, 11, 29, 14, 30)
    monday_morning_tokyo = at(2026, 11, 29, 23, 30)  # 08:30 Monday JST
    p = prefs(frequency="weekly", hour=23, tz="Asia/Tokyo")
    assert due_period(p, last_active=LAST_ACTIVE, now=sunday_night_tokyo) == "weekly:2026-W48"
    p = prefs(frequency="weekly", hour=8, tz="Asia/Tokyo")
    assert due_period(p, last_active=LAST_ACTIVE, now=monday_morning_tokyo) == "weekly:2026-W49"


def test_weekly_reminder_is_due_whatever_the_recent_activity():
    recently = at(2026, 11, 25, 9, 0)
    assert due_period(prefs(frequency="weekly"), last_active=recently, now=at(2026, 11, 25, 18, 5)) == "weekly:2026-W48"


def test_preferred_hour_is_local_time_east_of_utc():
    # 09:00 in Tokyo is 00:00 UTC.
    p = prefs(hour=9, tz="Asia/Tokyo")
    assert due_period(p, last_active=LAST_ACTIVE, now=at(2026, 11, 18, 0, 10)) is not None
    assert due_period(p, last_active=LAST_ACTIVE, now=at(2026, 11, 18, 9, 10)) is None


def test_preferred_hour_follows_the_end_of_daylight_saving():
    # New York leaves summer time on Sunday 1 November 2026: 09:00 local is 13:00 UTC before, 14:00 UTC after.
    p = prefs(hour=9, tz="America/New_York", days=1)
    window = timedelta(hours=1)
    before = dict(last_active=at(2026, 10, 20, 12, 0), window=window)
    assert due_period(p, now=at(2026, 10, 31, 13, 30), **before) is not None
    assert due_period(p, now=at(2026, 11, 2, 13, 30), **before) is None
    assert due_period(p, now=at(2026, 11, 2, 14, 30), **before) is not None


def test_preferred_hour_skipped_by_spring_forward_is_sent_just_after_the_gap():
    # Berlin jumps from 02:00 to 03:00 on 29 March 2026; "02:00" that day means 03:00 CEST = 01:00 UTC.
    p = prefs(hour=2, tz="Europe/Berlin", days=1)
    window = timedelta(hours=1)
    last = at(2026, 3, 20, 12, 0)
    assert due_period(p, last_active=last, now=at(2026, 3, 29, 0, 30), window=window) is None
    assert due_period(p, last_active=last, now=at(2026, 3, 29, 1, 30), window=window) is not None


def test_inactivity_reminders_stop_after_the_maximum_per_stretch():
    p = prefs(days=7)
    third = due_period(p, last_active=LAST_ACTIVE, now=at(2026, 12, 1, 18, 5), max_inactivity_reminders=3)
    months_later = due_period(p, last_active=LAST_ACTIVE, now=at(2027, 3, 1, 18, 5), max_inactivity_reminders=3)
    assert third == months_later == "inactive:20261110T100000Z:3"


def test_coming_back_starts_a_new_inactivity_stretch():
    p = prefs(days=7)
    first = due_period(p, last_active=LAST_ACTIVE, now=at(2026, 11, 17, 18, 5))
    after_return = due_period(p, last_active=at(2026, 11, 20, 9, 0), now=at(2026, 11, 27, 18, 5))
    assert first != after_return == "inactive:20261120T090000Z:1"


def test_unknown_time_zone_falls_back_to_utc():
    assert due_period(prefs(tz="Mars/Olympus"), last_active=LAST_ACTIVE, now=at(2026, 11, 17, 18, 5)) is not None


FRIDAY = 4


def test_weekly_reminder_waits_for_the_chosen_weekday():
    p = prefs(frequency="weekly", weekday=FRIDAY)
    assert due_period(p, last_active=LAST_ACTIVE, now=at(2026, 11, 25, 18, 5)) is None  # Wednesday
    assert due_period(p, last_active=LAST_ACTIVE, now=at(2026, 11, 27, 18, 5)) == "weekly:2026-W48"  # Friday


def test_weekly_reminder_missed_on_its_day_is_due_later_in_the_same_week():
    p = prefs(frequency="weekly", weekday=FRIDAY)
    assert due_period(p, last_active=LAST_ACTIVE, now=at(2026, 11, 28, 18, 5)) == "weekly:2026-W48"  # Saturday


def test_weekly_reminder_weekday_is_the_learners_local_day():
    # Thursday 23:30 UTC is Friday 08:30 in Tokyo.
    p = prefs(frequency="weekly", weekday=FRIDAY, hour=8, tz="Asia/Tokyo")
    assert due_period(p, last_active=LAST_ACTIVE, now=at(2026, 11, 26, 23, 30)) == "weekly:2026-W48"
