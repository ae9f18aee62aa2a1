"""The pace plan's arithmetic (progress.pace, no database): the learner's today, pauses,
curriculum changes and target dates."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from progress.completion import ProgressInfo, mark_capstones, overall, stage_completions, whole_hours
from progress.completion import ResourceInfo as CoreResource
from progress.pace import (
    Capstone,
    Pause,
    Plan,
    StageEffort,
    Work,
    active_days,
    done_by_local_day,
    done_hours,
    hours_by_local_day,
    learner_today,
    merge_pauses,
    nth_active_day,
    project,
    remaining_by_stage,
)

MONDAY = date(2026, 3, 2)


def weekly(hours=7, started_on=MONDAY):
    return Plan(started_on=started_on, hours_per_week=hours)


def efforts(*hours):
    return [StageEffort(stage_id=i + 1, hours_left=h) for i, h in enumerate(hours)]


# --- The learner's today across time zones -------------------------------------------


@pytest.mark.parametrize(
    ("now", "zone", "today"),
    [
        (datetime(2026, 3, 8, 23, 30, tzinfo=UTC), "UTC", date(2026, 3, 8)),
        (datetime(2026, 3, 8, 23, 30, tzinfo=UTC), "Asia/Tokyo", date(2026, 3, 9)),
        (datetime(2026, 3, 9, 0, 30, tzinfo=UTC), "America/Los_Angeles", date(2026, 3, 8)),
        (datetime(2026, 3, 9, 0, 30, tzinfo=UTC), "Pacific/Kiritimati", date(2026, 3, 9)),
        (datetime(2026, 3, 8, 23, 59, tzinfo=UTC), "Not/AZone", date(2026, 3, 8)),
    ],
)
def test_today_is_the_learners_calendar_day(now, zone, today):
    assert learner_today(now, zone) == today


def test_planned_hours_grow_when_the_learners_day_turns_not_at_utc_midnight():
    plan = weekly(7)  # one hour a day
    now = datetime(2026, 3, 8, 23, 30, tzinfo=UTC)
    in_london = project(plan, efforts(50), today=learner_today(now, "Europe/London"))
    in_tokyo = project(plan, efforts(50), today=learner_today(now, "Asia/Tokyo"))
    assert in_london.planned_hours == pytest.approx(6)  # Mon..Sat are behind them, Sunday is today
    assert in_tokyo.planned_hours == pytest.approx(7)  # already Monday the 9th in Tokyo


def test_work_marked_done_counts_on_the_learners_local_day():
    late_evening_utc = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # Sunday in UTC, Monday in Tokyo
    assert hours_by_local_day([(late_evening_utc, 3.0)], "Asia/Tokyo") == {date(2026, 3, 2): 3.0}
    assert hours_by_local_day([(late_evening_utc, 3.0)], "UTC") == {date(2026, 3, 1): 3.0}


def test_work_done_before_the_plan_started_does_not_count():
    done = {MONDAY - timedelta(days=1): 5.0, MONDAY: 2.0}
    assert project(weekly(), efforts(50), today=MONDAY + timedelta(days=3), done_by_day=done).done_hours == 2.0


# --- Standing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("done", "behind", "ahead", "on_track"),
    [(0, 7, 0, False), (6.6, 0, 0, True), (0.1, 7, 0, True), (1, 6, 0, True), (7, 0, 0, True), (10, 0, 3, True)],
)
def test_behind_or_ahead_of_the_plan_by_whole_hours_on_track_within_a_week_of_it(done, behind, ahead, on_track):
    p = project(weekly(7), efforts(50), today=MONDAY + timedelta(days=7), done_by_day={MONDAY: done})
    assert (p.behind_hours, p.ahead_hours, p.on_track) == (behind, ahead, on_track)


def test_the_first_day_of_a_plan_is_on_track():
    p = project(weekly(5), efforts(50), today=MONDAY)
    assert p.planned_hours == 0
    assert p.on_track


def test_the_summary_says_where_the_learner_stands_and_when_they_finish():
    p = project(weekly(5), efforts(40), today=MONDAY + timedelta(days=42))  # six weeks, nothing done
    assert p.summary == "30 hours behind your 5 h/week plan; projected finish 7 June 2026"


def test_a_finished_curriculum_is_on_track_with_nothing_to_project():
    p = project(weekly(5), efforts(0, 0), today=MONDAY + timedelta(days=30))
    assert p.on_track
    assert p.finish is None
    assert all(s.finish is None for s in p.stages)


# --- Projection ---------------------------------------------------------------------------


def test_each_stage_finishes_when_the_work_before_it_and_its_own_is_done():
    p = project(weekly(7), efforts(3, 0, 4), today=MONDAY)
    assert [s.finish for s in p.stages] == [date(2026, 3, 4), None, date(2026, 3, 8)]
    assert p.finish == date(2026, 3, 8)


def test_an_exact_number_of_days_is_not_rounded_up_a_day():
    assert project(weekly(5), efforts(5), today=MONDAY).finish == MONDAY + timedelta(days=6)


# --- Pauses ----------------------------------------------------------------------------------


def test_a_pause_shifts_the_projection_by_its_length():
    pause = Pause(date(2026, 3, 3), date(2026, 3, 9))  # a week
    without = project(weekly(7), efforts(10), today=MONDAY)
    paused = project(weekly(7), efforts(10), today=MONDAY, pauses=[pause])
    assert paused.finish - without.finish == timedelta(days=7)


def test_a_past_pause_lowers_the_hours_planned_by_today():
    pause = Pause(MONDAY, MONDAY + timedelta(days=6))
    p = project(weekly(7), efforts(50), today=MONDAY + timedelta(days=14), pauses=[pause])
    assert p.planned_hours == pytest.approx(7)


def test_a_pause_covering_today_is_active_and_says_until_when():
    pause = Pause(MONDAY, MONDAY + timedelta(days=13))
    p = project(weekly(7), efforts(50), today=MONDAY + timedelta(days=13), pauses=[pause])
    assert p.paused
    assert p.standing == "Paused until 15 March 2026 (your 7 h/week plan)"


@pytest.mark.parametrize(
    ("today", "active"),
    [(date(2026, 3, 9), True), (date(2026, 3, 15), True), (date(2026, 3, 8), False), (date(2026, 3, 16), False)],
)
def test_a_pause_includes_both_of_its_days(today, active):
    p = project(weekly(), efforts(5), today=today, pauses=[Pause(date(2026, 3, 9), date(2026, 3, 15))])
    assert p.paused is active


def test_overlapping_and_touching_pauses_count_each_day_once():
    pauses = [
        Pause(date(2026, 3, 3), date(2026, 3, 6)),
        Pause(date(2026, 3, 5), date(2026, 3, 8)),
        Pause(date(2026, 3, 9), date(2026, 3, 9)),
    ]
    assert merge_pauses(pauses) == [Pause(date(2026, 3, 3), date(2026, 3, 9))]
    assert active_days(MONDAY, MONDAY + timedelta(days=13), merge_pauses(pauses)) == 7


def test_a_pause_ending_before_it_starts_is_ignored():
    assert merge_pauses([Pause(date(2026, 3, 9), date(2026, 3, 1))]) == []


def test_a_pause_starting_today_moves_the_first_working_day_after_it():
    pause = Pause(MONDAY, MONDAY + timedelta(days=2))
    assert project(weekly(7), efforts(1), today=MONDAY, pauses=[pause]).finish == MONDAY + timedelta(days=3)


pauses_strategy = st.lists(
    st.tuples(st.integers(-30, 400), st.integers(0, 60)).map(
        lambda t: Pause(MONDAY + timedelta(days=t[0]), MONDAY + timedelta(days=t[0] + t[1]))
    ),
    max_size=6,
)


@given(n=st.integers(1, 2000), pauses=pauses_strategy)
def test_the_nth_working_day_is_not_paused_and_has_n_working_days_up_to_it(n, pauses):
    merged = merge_pauses(pauses)
    day = nth_active_day(MONDAY, n, merged)
    assert not any(p.covers(day) for p in merged)
    assert active_days(MONDAY, day, merged) == n


@given(hours=st.floats(0.5, 500), per_week=st.integers(1, 40), pauses=pauses_strategy)
def test_pauses_never_bring_a_finish_earlier(hours, per_week, pauses):
    plain = project(weekly(per_week), efforts(hours), today=MONDAY)
    paused = project(weekly(per_week), efforts(hours), today=MONDAY, pauses=pauses)
    assert paused.finish >= plain.finish


# --- Curriculum changes ------------------------------------------------------------------------


def test_a_resource_added_to_a_stage_moves_the_finish_later():
    before = project(weekly(7), efforts(10, 10), today=MONDAY)
    after = project(weekly(7), efforts(15, 10), today=MONDAY)
    assert after.finish - before.finish == timedelta(days=5)
    assert after.stages[0].finish - before.stages[0].finish == timedelta(days=5)


def test_a_skipped_or_removed_resource_brings_the_finish_earlier_without_counting_as_done():
    before = project(weekly(7), efforts(10, 10), today=MONDAY + timedelta(days=7))
    skipped = project(weekly(7), efforts(4, 10), today=MONDAY + timedelta(days=7))
    assert skipped.finish == before.finish - timedelta(days=6)
    assert skipped.done_hours == before.done_hours == 0
    assert skipped.behind_hours == before.behind_hours == 7


@given(
    stages=st.lists(st.floats(0, 200), min_size=1, max_size=8),
    extra=st.floats(0.1, 100),
    index=st.integers(0, 7),
    per_week=st.integers(1, 60),
)
def test_more_work_in_any_stage_never_brings_a_finish_earlier(stages, extra, index, per_week):
    index %= len(stages)
    grown = list(stages)
    grown[index] += extra
    before = project(weekly(per_week), efforts(*stages), today=MONDAY)
    after = project(weekly(per_week), efforts(*grown), today=MONDAY)
    assert after.finish >= (before.finish or MONDAY)
    for b, a in zip(before.stages[index:], after.stages[index:], strict=True):
        assert a.hours_left == 0 or a.finish >= (b.finish or MONDAY)


@given(stages=st.lists(st.floats(0, 200), min_size=1, max_size=8), per_week=st.integers(1, 60))
def test_stage_finishes_follow_curriculum_order_and_the_last_is_the_overall_finish(stages, per_week):
    p = project(weekly(per_week), efforts(*stages), today=MONDAY)
    finishes = [s.finish for s in p.stages if s.finish is not None]
    assert finishes == sorted(finishes)
    assert p.finish == (finishes[-1] if finishes else None)


# --- Target date --------------------------------------------------------------------------------


def target(on, started_on=MONDAY):
    return Plan(started_on=started_on, target_date=on)


def test_a_target_date_sets_the_pace_that_finishes_on_it():
    p = project(target(MONDAY + timedelta(days=27)), efforts(20, 20), today=MONDAY)  # 4 weeks, 40 hours
    assert p.hours_per_week == pytest.approx(10)
    assert p.finish == MONDAY + timedelta(days=27)
    assert p.summary == "On track with your plan to finish by 29 March 2026; projected finish 29 March 2026"


def test_behind_a_target_says_the_pace_needed_to_still_meet_it():
    p = project(target(MONDAY + timedelta(days=27)), efforts(40), today=MONDAY + timedelta(days=14))
    assert p.behind_hours == 20
    assert p.required_hours_per_week == pytest.approx(20)  # 40 hours in the two weeks left


def test_work_done_keeps_the_target_pace_while_skipping_lowers_it():
    aim = target(MONDAY + timedelta(days=27))
    worked = project(aim, efforts(30), today=MONDAY + timedelta(days=7), done_by_day={MONDAY: 10})
    skipped = project(aim, efforts(30), today=MONDAY + timedelta(days=7))
    assert worked.hours_per_week == pytest.approx(10)
    assert worked.on_track
    assert skipped.hours_per_week == pytest.approx(7.5)


def test_a_pause_before_the_target_raises_the_pace_it_asks_for():
    aim = target(MONDAY + timedelta(days=27))
    pause = Pause(MONDAY + timedelta(days=7), MONDAY + timedelta(days=13))
    p = project(aim, efforts(30), today=MONDAY, pauses=[pause])
    assert p.hours_per_week == pytest.approx(10)
    assert p.finish == aim.target_date


def test_a_passed_target_with_work_left_is_all_behind():
    aim = target(MONDAY + timedelta(days=6))
    p = project(aim, efforts(10), today=MONDAY + timedelta(days=10))
    assert p.target_passed
    assert p.behind_hours == 10
    assert p.required_hours_per_week is None


@given(
    days=st.integers(1, 400),
    hours=st.floats(1, 500),
    elapsed=st.integers(0, 400),
    pauses=pauses_strategy,
)
def test_on_a_target_plan_doing_the_planned_hours_is_on_track(days, hours, elapsed, pauses):
    aim = target(MONDAY + timedelta(days=days))
    today = MONDAY + timedelta(days=min(elapsed, days))
    first = project(aim, efforts(hours), today=today, pauses=pauses)
    done = {MONDAY: first.planned_hours}
    again = project(aim, efforts(hours - first.planned_hours), today=today, pauses=pauses, done_by_day=done)
    assert again.on_track


# --- From statuses ------------------------------------------------------------------------------


def test_hours_left_per_stage_leave_out_done_skipped_and_optional_resources():
    work = [Work(1, 10, 5), Work(2, 10, 3), Work(3, 10, 8, optional=True), Work(4, 20, 2), Work(5, 99, 4)]
    left = remaining_by_stage([10, 20, 30], work, {1: "done", 4: "skipped", 2: "in_progress"})
    assert left == [StageEffort(10, 3), StageEffort(20, 0), StageEffort(30, 0)]


def test_done_hours_count_resources_still_done_on_the_day_they_were_marked():
    work = [Work(1, 10, 5), Work(2, 10, 3), Work(3, 10, 8, optional=True)]
    when = datetime(2026, 3, 2, 22, 0, tzinfo=UTC)
    done_at = {1: when, 2: when, 3: when}
    statuses = {1: "done", 2: "in_progress", 3: "done"}  # 2 was done, then reopened
    assert done_by_local_day(done_at, statuses, work, "Asia/Tokyo") == {date(2026, 3, 3): 5}


def test_behind_by_less_than_a_week_of_the_plan_says_so_and_is_on_track():
    p = project(weekly(7), efforts(50), today=MONDAY + timedelta(days=5))
    assert p.on_track
    assert p.standing == "On track: 5 hours behind your 7 h/week plan, less than a week's work"


ZONES = ["UTC", "Asia/Tokyo", "America/Los_Angeles", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/London"]


@given(
    minutes=st.integers(0, 60 * 24 * 60),
    step=st.integers(1, 60 * 24 * 3),
    zone=st.sampled_from(ZONES),
    per_week=st.integers(1, 40),
)
def test_hours_planned_by_today_never_shrink_as_time_passes_in_any_zone(minutes, step, zone, per_week):
    start = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
    plan = weekly(per_week, started_on=learner_today(start, zone))
    earlier = start + timedelta(minutes=minutes)
    later = earlier + timedelta(minutes=step)
    planned = [project(plan, efforts(500), today=learner_today(t, zone)).planned_hours for t in (earlier, later)]
    assert planned[0] <= planned[1]
    # At most one learner's day apart per day that passed, plus the day the clock crosses.
    days = (learner_today(later, zone) - learner_today(earlier, zone)).days
    assert planned[1] - planned[0] == pytest.approx(days * per_week / 7)


def test_a_pause_to_the_end_of_the_calendar_gives_no_finish_rather_than_an_error():
    endless = Pause(MONDAY, date.max)
    p = project(weekly(7), efforts(10), today=MONDAY, pauses=[endless, Pause(date.max, date.max)])
    assert p.finish is None
    assert p.paused


@given(
    pauses=st.lists(st.tuples(st.dates(), st.dates()).map(lambda t: Pause(*sorted(t))), max_size=5),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    started=st.integers(-400, 400),
    hours=st.lists(st.floats(0, 10_000), min_size=1, max_size=8),
    per_week=st.integers(1, 100),
    target_in=st.one_of(st.none(), st.integers(-30, 20 * 366)),
)
def test_any_pauses_and_dates_give_a_projection_never_an_error(pauses, today, started, hours, per_week, target_in):
    start = today + timedelta(days=started)
    if target_in is not None and today + timedelta(days=target_in) > start:
        plan = Plan(started_on=start, target_date=today + timedelta(days=target_in))
    else:
        plan = weekly(per_week, started_on=start)
    p = project(plan, efforts(*hours), today=today, pauses=pauses)
    assert p.summary


# --- One set of figures: the baseline, capstones, the same hours left as the completion's ------


def test_work_marked_done_minutes_before_the_plan_is_its_baseline_not_ahead():
    """Done at 08:50, the plan stated at 09:00 the same day: nothing is ahead, the 90 h are the baseline."""
    stated = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    plan = Plan(started_on=MONDAY, hours_per_week=10, started_at=stated)
    work = [Work(1, 10, 60), Work(2, 10, 30), Work(3, 10, 20), Work(4, 10, 5)]
    statuses = {1: "done", 2: "done", 4: "done"}
    done_at = {1: stated - timedelta(minutes=10), 2: stated - timedelta(minutes=10), 4: stated + timedelta(hours=2)}
    done_by_day = done_by_local_day(done_at, statuses, work, "UTC", plan=plan)
    assert done_by_day == {MONDAY: 5}  # only what came after the plan was stated
    p = project(
        plan,
        remaining_by_stage([10], work, statuses),
        today=MONDAY,
        done_by_day=done_by_day,
        done_total=done_hours(statuses, work),
    )
    assert (p.done_hours, p.baseline_hours, p.hours_left) == (5, 90, 20)
    assert p.ahead_hours == 5  # the 5 h done since the plan, not 95
    assert p.standing == "5 hours ahead of your 10 h/week plan"


def test_without_its_instant_a_plan_counts_its_whole_first_day():
    plan = Plan(started_on=MONDAY, hours_per_week=10)
    work = [Work(1, 10, 6)]
    when = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert done_by_local_day({1: when}, {1: "done"}, work, "UTC", plan=plan) == {MONDAY: 6}


def test_work_before_the_plans_first_day_is_baseline_whatever_its_instant():
    # A plan whose instant is later than its first day (stated earlier in the learner's zone).
    plan = Plan(started_on=MONDAY, hours_per_week=10, started_at=datetime(2026, 3, 5, tzinfo=UTC))
    work = [Work(1, 10, 6), Work(2, 10, 4)]
    done_at = {1: datetime(2026, 3, 1, 12, tzinfo=UTC), 2: datetime(2026, 3, 3, 12, tzinfo=UTC)}
    assert done_by_local_day(done_at, {1: "done", 2: "done"}, work, "UTC", plan=plan) == {date(2026, 3, 3): 4}


def test_an_untouched_capstone_is_left_with_its_hours_until_approved():
    work = [Work(1, 10, 5)]
    left = remaining_by_stage([10, 20], work, {1: "done"}, [Capstone(20, 40)])
    assert left == [StageEffort(10, 0), StageEffort(20, 40)]
    p = project(weekly(10), left, today=MONDAY)
    assert p.hours_left_whole == 40
    assert p.stages[1].finish == MONDAY + timedelta(days=27)  # 40 h at 10 h/week: four weeks
    approved = remaining_by_stage([10, 20], work, {1: "done"}, [Capstone(20, 40, approved=True)])
    assert approved == [StageEffort(10, 0), StageEffort(20, 0)]


def test_a_capstone_approved_since_the_plan_is_done_on_its_day_and_before_it_baseline():
    plan = Plan(started_on=MONDAY, hours_per_week=10, started_at=datetime(2026, 3, 2, 9, tzinfo=UTC))
    since = Capstone(20, 40, approved=True, approved_at=datetime(2026, 3, 4, 15, tzinfo=UTC))
    before = Capstone(30, 25, approved=True, approved_at=datetime(2026, 2, 20, tzinfo=UTC))
    unknown = Capstone(40, 10, approved=True)  # approved before its time was kept
    daily = done_by_local_day({}, {}, [], "UTC", plan=plan, capstones=[since, before, unknown])
    assert daily == {date(2026, 3, 4): 40}
    assert done_hours({}, [], [since, before, unknown, Capstone(50, 30)]) == 75


def test_the_pace_plans_hours_left_are_the_completions_for_the_same_learner():
    """The dashboard's overall figure (completion) and the pace plan's are one figure, rounded once."""
    resources = [
        CoreResource(id=1, stage_id=10, order=1, created_at=datetime(2026, 1, 1, tzinfo=UTC), effort_hours=2.5),
        CoreResource(id=2, stage_id=10, order=2, created_at=datetime(2026, 1, 1, tzinfo=UTC), effort_hours=1.5),
        CoreResource(
            id=3, stage_id=10, order=3, created_at=datetime(2026, 1, 1, tzinfo=UTC), effort_hours=9, optional=True
        ),
        CoreResource(id=4, stage_id=20, order=1, created_at=datetime(2026, 1, 1, tzinfo=UTC), effort_hours=4),
    ]
    statuses = {2: "done", 4: "skipped"}
    infos = [ProgressInfo(rid, status, datetime(2026, 1, 2, tzinfo=UTC)) for rid, status in statuses.items()]
    completions = stage_completions([10, 20, 30], resources, infos)
    mark_capstones(completions, [30], [], {30: 40})
    work = [Work(r.id, r.stage_id, r.effort_hours, r.optional) for r in resources]
    left = remaining_by_stage([10, 20, 30], work, statuses, [Capstone(30, 40)])
    p = project(weekly(10), left, today=MONDAY)
    assert p.hours_left_whole == overall(completions.values()).hours_left == 43  # 2.5 + 40, halves up
    assert [s.hours_left_whole for s in p.stages] == [completions[i].hours_left for i in (10, 20, 30)] == [3, 0, 40]
    assert p.hours_left_label == overall(completions.values()).hours_left_label == "about 43 hours left"


@pytest.mark.parametrize(("hours", "whole"), [(0, 0), (0.49, 0), (0.5, 1), (2.5, 3), (3.5, 4), (-2, 0)])
def test_whole_hours_round_halves_up_never_below_zero(hours, whole):
    assert whole_hours(hours) == whole


def test_a_target_date_plans_the_capstones_hours_too():
    """Four weeks to a target with a 40-hour capstone and 12 h of core work left: 13 h a week."""
    target = MONDAY + timedelta(days=27)
    left = remaining_by_stage([10, 20], [Work(1, 10, 12)], {}, [Capstone(20, 40)])
    p = project(Plan(started_on=MONDAY, target_date=target), left, today=MONDAY)
    assert p.hours_per_week == pytest.approx(13)
    assert p.finish == target
