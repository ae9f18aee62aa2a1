"""The pure core of the calendar feed (progress.plan_calendar): plain data in, .ics bytes out, read back
by two parsers that did not write it (icalendar and vobject)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import vobject

from progress import plan_calendar as pc

BERLIN = ZoneInfo("Europe/Berlin")


def calendar(**overrides) -> pc.PlanCalendar:
    fields = {
        "name": "Learning Deep Learning: my pace plan",
        "uid_prefix": "abc123",
        "uid_domain": "learn.example.org",
        "zone": "Europe/Berlin",
        "stamp": datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
        "today": date(2026, 3, 2),
        "stages": (
            pc.StageFinish(11, "A Practical Encounter", date(2026, 3, 11)),
            pc.StageFinish(12, "Deep Dive", date(2026, 5, 20)),
            pc.StageFinish(13, "Done Already", None),
        ),
        "pauses": (pc.PauseDays(7, date(2026, 3, 16), date(2026, 3, 22), "holiday"),),
        # Mondays and Wednesdays at 19:00 for 90 minutes, set on a Tuesday.
        "study": pc.StudyBlocks(weekdays=(0, 2), start=time(19, 0), minutes=90, since=date(2026, 3, 3)),
        "finish": date(2026, 5, 20),
    }
    return pc.PlanCalendar(**{**fields, **overrides})


def events(ics: bytes) -> dict[str, icalendar.Event]:
    parsed = icalendar.Calendar.from_ical(ics)
    return {str(e["UID"]): e for e in parsed.walk("VEVENT")}


def test_each_projected_stage_finish_is_an_all_day_event_on_its_day():
    found = events(pc.build(calendar()))
    first = found["abc123-stage-11@learn.example.org"]
    assert str(first["SUMMARY"]) == "Projected finish: A Practical Encounter"
    assert first.decoded("DTSTART") == date(2026, 3, 11)
    assert first.decoded("DTEND") == date(2026, 3, 12)  # all day: the end is the next day
    assert first.decoded("DTSTAMP") == datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    assert str(first["TRANSP"]) == "TRANSPARENT"
    assert "abc123-stage-13@learn.example.org" not in found  # nothing left: no event


def test_a_pause_covers_its_days_both_ends_included():
    pause = events(pc.build(calendar()))["abc123-pause-7@learn.example.org"]
    assert str(pause["SUMMARY"]) == "Pause: holiday"
    assert (pause.decoded("DTSTART"), pause.decoded("DTEND")) == (date(2026, 3, 16), date(2026, 3, 23))


def test_the_study_blocks_recur_weekly_in_the_learners_zone_until_the_finish_and_skip_the_pause():
    ics = pc.build(calendar())
    parsed = icalendar.Calendar.from_ical(ics)
    assert [str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")] == ["Europe/Berlin"]
    block = events(ics)["abc123-study-blocks@learn.example.org"]
    start = block.decoded("DTSTART")
    # The first chosen weekday on or after the day they were set (a Tuesday): Wednesday 4 March.
    assert start == datetime(2026, 3, 4, 19, 0, tzinfo=BERLIN)
    assert block["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert block.decoded("DURATION") == timedelta(minutes=90)
    rule = block["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["BYDAY"] == ["MO", "WE"]
    # UNTIL in UTC (RFC 5545 with a DTSTART in a zone): the end of the finish day in Berlin.
    assert rule["UNTIL"] == [datetime(2026, 5, 20, 21, 59, 59, tzinfo=UTC)]
    skipped = [d.dt for d in block["EXDATE"].dts]
    assert skipped == [datetime(2026, 3, 16, 19, 0, tzinfo=BERLIN), datetime(2026, 3, 18, 19, 0, tzinfo=BERLIN)]


def test_vobject_reads_the_same_calendar_and_expands_the_study_blocks():
    parsed = vobject.readOne(pc.build(calendar()).decode())
    assert parsed.x_wr_calname.value == "Learning Deep Learning: my pace plan"
    by_uid = {e.uid.value: e for e in parsed.vevent_list}
    assert set(by_uid) == {
        "abc123-stage-11@learn.example.org",
        "abc123-stage-12@learn.example.org",
        "abc123-pause-7@learn.example.org",
        "abc123-study-blocks@learn.example.org",
    }
    assert by_uid["abc123-stage-12@learn.example.org"].dtstart.value == date(2026, 5, 20)
    occurrences = list(by_uid["abc123-study-blocks@learn.example.org"].getrruleset())
    local = [o.astimezone(BERLIN) for o in occurrences]
    assert [o.date() for o in local[:4]] == [date(2026, 3, 4), date(2026, 3, 9), date(2026, 3, 11), date(2026, 3, 23)]
    assert all(o.time() == time(19, 0) for o in local)  # the same local hour across the switch to summer time
    assert local[-1].date() == date(2026, 5, 20)  # the last block on the finish day (a Wednesday)
    assert not any(date(2026, 3, 16) <= o.date() <= date(2026, 3, 22) for o in local)


def test_two_builds_of_the_same_plan_are_the_same_bytes_and_a_moved_finish_keeps_its_uid():
    assert pc.build(calendar()) == pc.build(calendar())
    moved = calendar(stages=(pc.StageFinish(11, "A Practical Encounter", date(2026, 3, 14)),))
    before, after = events(pc.build(calendar())), events(pc.build(moved))
    uid = "abc123-stage-11@learn.example.org"
    assert before[uid].decoded("DTSTART") != after[uid].decoded("DTSTART")
    assert uid in before
    assert uid in after


def test_the_calendar_names_the_plan_and_says_nothing_else_about_the_learner():
    ics = pc.build(calendar(target=date(2026, 6, 1)))
    parsed = icalendar.Calendar.from_ical(ics)
    assert str(parsed["X-WR-CALNAME"]) == "Learning Deep Learning: my pace plan"
    assert str(parsed["NAME"]) == "Learning Deep Learning: my pace plan"
    assert "@example.com" not in ics.decode()
    assert "ATTENDEE" not in ics.decode()
    assert "ORGANIZER" not in ics.decode()
    target = events(ics)["abc123-target@learn.example.org"]
    assert target.decoded("DTSTART") == date(2026, 6, 1)


def test_without_study_blocks_or_a_finish_there_is_no_recurring_event_and_no_until():
    assert "RRULE" not in pc.build(calendar(study=None)).decode()
    block = events(pc.build(calendar(finish=None)))["abc123-study-blocks@learn.example.org"]
    assert "UNTIL" not in block["RRULE"]


def test_an_unknown_zone_counts_as_utc():
    block = events(pc.build(calendar(zone="Mars/Olympus")))["abc123-study-blocks@learn.example.org"]
    assert block.decoded("DTSTART") == datetime(2026, 3, 4, 19, 0, tzinfo=ZoneInfo("UTC"))


def test_skipped_days_are_bounded_and_only_recent():
    study = pc.StudyBlocks(weekdays=tuple(range(7)), start=time(7, 0), minutes=30, since=date(2020, 1, 1))
    long_ago = pc.PauseDays(1, date(2020, 2, 1), date(2020, 12, 31))
    years = [pc.PauseDays(n, date(2025 + n, 1, 1), date(2025 + n, 12, 31)) for n in range(1, 4)]
    pauses = [long_ago, *years]
    skipped = pc.skipped_days(study, pauses, today=date(2026, 3, 2), until=None)
    assert len(skipped) == pc.MAX_EXDATES
    assert skipped[0] == date(2026, 3, 2) - pc.EXDATE_LOOKBACK
