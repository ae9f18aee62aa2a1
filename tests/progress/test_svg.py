"""The progress bar and activity chart SVGs built in Python."""

from datetime import date

from progress import completion as core
from progress.templatetags.progress_svg import activity_chart, progress_bar


def test_progress_bar_draws_done_skipped_and_in_progress_side_by_side():
    completion = core.StageCompletion(stage_id=1, total=4, done=1, skipped=1, in_progress=1)
    svg = progress_bar(completion)
    assert 'aria-label="1 done, 1 skipped, 1 in progress, of 4"' in svg
    assert '<rect class="bar-done" x="0" y="0" width="25.00"' in svg
    assert '<rect class="bar-skipped" x="25.00" y="0" width="25.00"' in svg
    assert '<rect class="bar-in-progress" x="50.00" y="0" width="25.00"' in svg


def test_activity_chart_draws_a_bar_per_week_with_its_count_and_date():
    chart = core.activity_chart([(date(2026, 1, 5), 3), (date(2026, 1, 12), 1), (date(2026, 1, 19), 0)])
    svg = activity_chart(chart)
    assert svg.count('class="chart-bar') == 3
    assert 'data-week="2026-01-05" data-count="3"' in svg
    assert "<title>Week of 5 Jan 2026: 3 changes</title>" in svg
    assert "<title>Week of 12 Jan 2026: 1 change</title>" in svg
    assert "4 changes between the weeks of 5 Jan 2026 and 19 Jan 2026; the busiest week had 3." in svg


def test_activity_chart_draws_an_empty_week_as_a_thin_bar_on_the_baseline():
    chart = core.activity_chart([(date(2026, 1, 5), 2), (date(2026, 1, 12), 0)])
    svg = activity_chart(chart)
    baseline = chart.plot_height - 2
    assert f'<rect class="chart-bar empty" x="18" y="{baseline}" height="2"' in svg


def test_activity_chart_escapes_month_labels():
    bar = core.WeekBar(week_start=date(2026, 2, 2), count=1, x=0, y=0, height=80, label="<b>Feb</b>")
    chart = core.ActivityChart(weeks=[bar], width=14, height=98, max_count=1, total=1, bar_width=14, plot_height=80)
    svg = activity_chart(chart)
    assert "<b>" not in svg
    assert "&lt;b&gt;Feb&lt;/b&gt;" in svg


def test_a_month_starting_in_the_last_week_is_drawn_inside_the_chart_not_cut_at_its_edge():
    weeks = [(date(2026, 11, 2 + 7 * i), 0) for i in range(4)] + [(date(2026, 11, 30), 0), (date(2026, 12, 7), 1)]
    chart = core.activity_chart(weeks)
    svg = activity_chart(chart)
    assert '<text class="chart-label" x="0" y=' in svg  # November, at its own week
    assert f'<text class="chart-label" x="{chart.width}" text-anchor="end" y=' in svg  # December, ending at the edge
    assert svg.count('text-anchor="end"') == 1
