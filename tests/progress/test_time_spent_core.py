"""The pure cores of time spent (progress.time_spent) and of the plan's medians (progress.pace):
presets, bounds, median and quartiles from generated answers, the projection counting medians."""

import random
import statistics
from datetime import date

import pytest

from progress import pace, time_spent

TODAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("estimate", "expected"),
    [
        (None, (1.0, 3.0, 10.0, 30.0)),
        (0, (1.0, 3.0, 10.0, 30.0)),
        (1, (0.5, 1.0, 2.0)),
        (6, (3.0, 6.0, 10.0, 12.0)),
        (90, (50.0, 90.0, 150.0, 200.0)),
    ],
)
def test_presets_are_a_few_round_figures_around_the_estimate(estimate, expected):
    assert time_spent.presets(estimate) == expected


def test_presets_follow_the_scale_of_every_resource_and_stay_in_bounds():
    for estimate in (0.25, 0.5, 2, 3, 12, 40, 120, 300):
        choices = time_spent.presets(estimate)
        assert list(choices) == sorted(set(choices))
        assert 2 <= len(choices) <= 4
        assert choices[0] <= estimate <= choices[-1] * 1.01
        assert all(time_spent.MIN_HOURS <= c <= time_spent.MAX_HOURS for c in choices)


@pytest.mark.parametrize(("hours", "minutes"), [(0.25, 15), (1, 60), (2.5, 150), (1000, 60_000)])
def test_hours_become_whole_minutes(hours, minutes):
    assert time_spent.minutes_from_hours(hours) == minutes


@pytest.mark.parametrize("hours", [0, 0.1, -3, 1000.5, 1e9])
def test_hours_out_of_bounds_are_refused(hours):
    with pytest.raises(ValueError, match=r"A number from 0\.25 to 1000"):
        time_spent.minutes_from_hours(hours)


def test_no_answers_no_spread():
    assert time_spent.spread([]) is None


def test_one_answer_is_its_own_median_and_quartiles():
    figures = time_spent.spread([90], estimate_hours=2)
    assert (figures.answers, figures.median, figures.lower_quartile, figures.upper_quartile) == (1, 1.5, 1.5, 1.5)
    assert figures.summary == "1 learner answered, median 1.5 h vs estimate 2 h"


@pytest.mark.parametrize("n", [2, 3, 20, 101, 1000])
def test_median_and_quartiles_of_generated_answers(n):
    rng = random.Random(n)
    minutes = [rng.randint(15, 6000) for _ in range(n)]
    figures = time_spent.spread(minutes, estimate_hours=50)
    hours = sorted(m / 60 for m in minutes)
    q1, q2, q3 = statistics.quantiles(hours, n=4, method="inclusive")
    assert figures.answers == n
    assert figures.median == pytest.approx(statistics.median(hours), abs=0.005)
    assert figures.median == pytest.approx(q2, abs=0.005)
    assert figures.lower_quartile == pytest.approx(q1, abs=0.005)
    assert figures.upper_quartile == pytest.approx(q3, abs=0.005)
    assert hours[0] <= figures.lower_quartile <= figures.median <= figures.upper_quartile <= hours[-1]
    # A quarter of the answers at most lie below the lower quartile, and above the upper one.
    assert sum(h < figures.lower_quartile for h in hours) <= n / 4 + 1
    assert sum(h > figures.upper_quartile for h in hours) <= n / 4 + 1


def test_the_summary_is_what_the_content_team_reads():
    figures = time_spent.spread([64 * 60] * 20, estimate_hours=90)
    assert figures.summary == "20 learners answered, median 64 h vs estimate 90 h"
    assert figures.ratio == pytest.approx(64 / 90)


def test_an_estimate_is_off_only_with_enough_answers_and_a_median_far_from_it():
    far = time_spent.spread([64 * 60] * 20, estimate_hours=90)
    close = time_spent.spread([85 * 60] * 20, estimate_hours=90)
    few = time_spent.spread([10 * 60] * 19, estimate_hours=90)
    no_estimate = time_spent.spread([64 * 60] * 20)
    assert time_spent.estimate_is_off(far, 20)
    assert not time_spent.estimate_is_off(close, 20)
    assert not time_spent.estimate_is_off(few, 20)
    assert not time_spent.estimate_is_off(no_estimate, 20)
    assert time_spent.estimate_is_off(time_spent.spread([120 * 60] * 20, estimate_hours=90), 20)


# --- The plan counts medians -----------------------------------------------------------------

WORK = [
    pace.Work(id=1, stage_id=10, hours=90),
    pace.Work(id=2, stage_id=10, hours=10),
    pace.Work(id=3, stage_id=20, hours=20, optional=True),
]


def test_with_reported_replaces_estimates_only_with_enough_answers():
    work, reported = pace.with_reported(WORK, {1: (64.0, 20), 2: (30.0, 19), 3: (5.0, 40)}, min_answers=20)
    assert [w.hours for w in work] == [64.0, 10, 5.0]
    assert [w.optional for w in work] == [False, False, True]
    assert reported == (pace.Reported(1, 90, 64.0, 20), pace.Reported(3, 20, 5.0, 40))


def test_with_no_medians_the_work_is_the_estimates():
    work, reported = pace.with_reported(WORK, {}, min_answers=20)
    assert work == WORK
    assert reported == ()


def _project(medians, statuses, hours_per_week=10):
    plan = pace.Plan(started_on=TODAY, hours_per_week=hours_per_week)
    work, reported = pace.with_reported(WORK, medians, min_answers=20)
    return pace.project(
        plan,
        pace.remaining_by_stage([10, 20], work, statuses),
        today=TODAY,
        done_total=pace.done_hours(statuses, work),
        reported=reported,
    )


def test_the_projection_counts_the_median_and_lists_what_it_counted():
    by_estimate = _project({}, {})
    by_median = _project({1: (64.0, 20)}, {})
    assert by_estimate.hours_left == 100
    assert by_median.hours_left == 74
    assert by_median.finish < by_estimate.finish
    assert by_median.reported == (pace.Reported(1, 90, 64.0, 20),)
    assert by_estimate.reported == ()


def test_work_done_counts_at_the_median_too():
    projection = _project({1: (64.0, 20)}, {1: pace.DONE})
    assert projection.hours_left == 10
    assert projection.baseline_hours == 64
