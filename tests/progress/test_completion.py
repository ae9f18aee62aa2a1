"""The pure completion core: arithmetic, "new" resources, next up, chart weeks."""

from datetime import UTC, date, datetime, timedelta

from progress import completion as core

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def res(pk, stage_id=1, order=None, *, optional=False, created=T0):
    return core.ResourceInfo(id=pk, stage_id=stage_id, order=order or pk, created_at=created, optional=optional)


def prog(resource_id, status, created=T0 + timedelta(days=1)):
    return core.ProgressInfo(resource_id=resource_id, status=status, created_at=created)


def test_done_and_skipped_are_counted_separately():
    resources = [res(i) for i in range(1, 5)]
    c = core.stage_completions([1], resources, [prog(1, "done"), prog(2, "skipped"), prog(3, "in_progress")])[1]
    assert (c.total, c.done, c.skipped, c.in_progress, c.not_started) == (4, 1, 1, 1, 1)
    assert (c.percent_done, c.percent_skipped) == (25, 25)


def test_stage_with_a_skipped_resource_is_complete_but_not_100_percent_done():
    c = core.stage_completions([1], [res(1), res(2)], [prog(1, "done"), prog(2, "skipped")])[1]
    assert c.is_complete
    assert c.percent_done == 50


def test_percentages_round_down_so_100_is_never_shown_early():
    resources = [res(i) for i in range(1, 201)]
    c = core.stage_completions([1], resources, [prog(i, "done") for i in range(1, 200)])[1]
    assert c.percent_done == 99
    assert not c.is_complete


def test_optional_resources_are_outside_stage_completion():
    resources = [res(1), res(2, optional=True)]
    c = core.stage_completions([1], resources, [prog(1, "done"), prog(2, "done")])[1]
    assert (c.total, c.done, c.optional_total, c.optional_done) == (1, 1, 1, 1)
    assert c.is_complete


def test_resource_added_after_the_learner_started_lowers_completion_and_is_new():
    started = T0 + timedelta(days=1)
    resources = [res(1), res(2), res(3, created=started + timedelta(days=5))]
    c = core.stage_completions([1], resources, [prog(1, "done", started), prog(2, "done", started)])[1]
    assert (c.total, c.done, c.new) == (3, 2, 1)
    assert c.new_resource_ids == {3}
    assert not c.is_complete


def test_resource_added_before_the_learner_started_is_not_new():
    resources = [res(1), res(2, created=T0 + timedelta(hours=1))]
    c = core.stage_completions([1], resources, [prog(1, "done", T0 + timedelta(days=1))])[1]
    assert c.new == 0


def test_nothing_is_new_in_a_stage_the_learner_has_not_started():
    resources = [res(1, stage_id=1), res(2, stage_id=2, created=T0 + timedelta(days=9))]
    completions = core.stage_completions([1, 2], resources, [prog(1, "done")])
    assert completions[2].new == 0


def test_new_resource_stops_being_new_once_touched():
    started = T0 + timedelta(days=1)
    resources = [res(1), res(2, created=started + timedelta(days=1))]
    c = core.stage_completions(
        [1], resources, [prog(1, "done", started), prog(2, "in_progress", started + timedelta(days=2))]
    )[1]
    assert c.new == 0


def test_next_up_is_first_unfinished_core_resource_of_earliest_unfinished_stage():
    resources = [res(1, 1, 1), res(2, 1, 2), res(3, 2, 1), res(4, 2, 2), res(5, 2, 3)]
    statuses = {1: "done", 2: "skipped", 3: "done", 4: "in_progress"}
    completions = core.stage_completions([1, 2], resources, [prog(k, v) for k, v in statuses.items()])
    assert core.next_up([1, 2], resources, statuses, completions) == 4


def test_next_up_follows_seed_order_not_id_order():
    resources = [res(10, 1, order=2), res(11, 1, order=1)]
    completions = core.stage_completions([1], resources, [])
    assert core.next_up([1], resources, {}, completions) == 11


def test_next_up_goes_back_to_an_earlier_stage_left_unfinished():
    resources = [res(1, 1, 1), res(2, 1, 2), res(3, 2, 1)]
    statuses = {1: "done", 3: "done"}
    completions = core.stage_completions([1, 2], resources, [prog(k, v) for k, v in statuses.items()])
    assert core.next_up([1, 2], resources, statuses, completions) == 2


def test_next_up_skips_stages_without_resources_and_optional_resources():
    resources = [res(1, 1, 1), res(2, 3, 1, optional=True), res(3, 3, 2)]
    statuses = {1: "done"}
    completions = core.stage_completions([1, 2, 3], resources, [prog(1, "done")])
    assert core.next_up([1, 2, 3], resources, statuses, completions) == 3


def test_next_up_is_none_when_everything_is_done_or_skipped():
    resources = [res(1), res(2)]
    statuses = {1: "done", 2: "skipped"}
    completions = core.stage_completions([1], resources, [prog(k, v) for k, v in statuses.items()])
    assert core.next_up([1], resources, statuses, completions) is None


def test_weekly_counts_cover_26_monday_weeks_ending_this_week():
    weeks = core.weekly_counts({}, today=date(2026, 11, 25))
    assert len(weeks) == 26
    assert weeks[-1][0] == date(2026, 11, 23)
    assert weeks[0][0] == date(2026, 6, 1)
    assert all(monday.weekday() == 0 for monday, _ in weeks)


def test_weekly_counts_sum_days_into_their_week_and_drop_older_days():
    daily = {date(2026, 11, 23): 2, date(2026, 11, 25): 3, date(2026, 11, 22): 1, date(2026, 5, 31): 7}
    weeks = dict(core.weekly_counts(daily, today=date(2026, 11, 25)))
    assert weeks[date(2026, 11, 23)] == 5
    assert weeks[date(2026, 11, 16)] == 1
    assert sum(weeks.values()) == 6


def test_chart_scales_bars_to_the_busiest_week_and_keeps_small_weeks_visible():
    chart = core.activity_chart([(date(2026, 1, 5), 100), (date(2026, 1, 12), 1), (date(2026, 1, 19), 0)])
    heights = [bar.height for bar in chart.weeks]
    assert heights == [chart.plot_height, 2, 0]
    assert chart.max_count == 100
    assert chart.total == 101


def test_resume_returns_the_last_resource_still_in_progress():
    resources = [res(1), res(2), res(3)]
    rows = [(1, "in_progress", T0), (3, "in_progress", T0 + timedelta(hours=2)), (2, "done", T0 + timedelta(hours=3))]
    completions = core.stage_completions([1], resources, [prog(r, s) for r, s, _ in rows])
    assert core.resume([1], resources, rows, completions) == 3


def test_resume_falls_back_to_next_up_when_nothing_is_in_progress():
    resources = [res(1), res(2)]
    rows = [(1, "done", T0)]
    completions = core.stage_completions([1], resources, [prog(1, "done")])
    assert core.resume([1], resources, rows, completions) == 2


def test_resume_within_a_stage_never_leads_to_another_stage():
    resources = [res(1, stage_id=1), res(2, stage_id=2)]
    rows = [(2, "in_progress", T0)]
    completions = core.stage_completions([1, 2], resources, [prog(2, "in_progress")])
    assert core.resume([1, 2], resources, rows, completions, stage_id=1) == 1


def test_hours_left_weighs_resources_by_effort_and_skipped_ones_leave_the_total():
    resources = [
        core.ResourceInfo(id=1, stage_id=1, order=1, created_at=T0, effort_hours=70),
        core.ResourceInfo(id=2, stage_id=1, order=2, created_at=T0, effort_hours=0.7),
        core.ResourceInfo(id=3, stage_id=1, order=3, created_at=T0, effort_hours=30),
    ]
    c = core.stage_completions([1], resources, [prog(2, "done"), prog(3, "skipped")])[1]
    assert (c.hours_left, c.hours_skipped) == (70, 30)


def test_optional_resources_add_no_hours():
    resources = [core.ResourceInfo(id=1, stage_id=1, order=1, created_at=T0, optional=True, effort_hours=9)]
    assert core.stage_completions([1], resources, [])[1].effort_total == 0


def test_capstone_hours_count_in_the_overall_figure_until_approved():
    completions = core.stage_completions([1, 2], [], [])
    core.mark_capstones(completions, [2], [], {2: 40})
    assert core.overall(completions.values()).hours_left == 40
    approved = core.stage_completions([1, 2], [], [])
    core.mark_capstones(approved, [2], [2], {2: 40})
    assert core.overall(approved.values()).hours_left == 0


# --- Hours left as a learner reads them --------------------------------------------------------


def effort(pk, hours, stage_id=1):
    return core.ResourceInfo(id=pk, stage_id=stage_id, order=pk, created_at=T0, effort_hours=hours)


def test_a_finished_stage_says_complete_not_zero_hours_left():
    c = core.stage_completions([1], [effort(1, 3), effort(2, 2)], [prog(1, "done"), prog(2, "skipped")])[1]
    assert c.hours_left == 0
    assert c.hours_left_label == "complete"


def test_a_stage_with_work_left_says_about_how_many_hours():
    c = core.stage_completions([1], [effort(1, 3), effort(2, 1)], [prog(1, "in_progress"), prog(2, "done")])[1]
    assert c.hours_left_label == "about 3 hours left"
    one = core.stage_completions([1], [effort(1, 1)], [])[1]
    assert one.hours_left_label == "about 1 hour left"
    little = core.stage_completions([1], [effort(1, 0.25)], [])[1]
    assert little.hours_left_label == "less than an hour left"


def test_a_capstone_stage_is_not_complete_and_shows_the_capstones_hours_until_approved():
    completions = core.stage_completions([1], [effort(1, 3)], [prog(1, "done")])
    core.mark_capstones(completions, [1], [], {1: 40})
    assert completions[1].hours_left_label == "about 40 hours left"
    approved = core.stage_completions([1], [effort(1, 3)], [prog(1, "done")])
    core.mark_capstones(approved, [1], [1], {1: 40})
    assert approved[1].hours_left_label == "complete"


def test_the_overall_figure_is_complete_only_with_every_capstone_approved():
    completions = core.stage_completions([1, 2], [effort(1, 3)], [prog(1, "done")])
    core.mark_capstones(completions, [2], [], {2: 0})
    everything = core.overall(completions.values())
    assert everything.resources_finished
    assert not everything.is_complete
    assert everything.hours_left_label == "no estimated hours left"
    approved = core.stage_completions([1, 2], [effort(1, 3)], [prog(1, "done")])
    core.mark_capstones(approved, [2], [2], {2: 0})
    assert core.overall(approved.values()).hours_left_label == "complete"
