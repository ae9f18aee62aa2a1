"""The progress bar and the activity chart as inline SVG, built in Python.

They are drawn many times per page (a bar per stage, a rectangle per week), and
the template language's per-variable lookups and localised date filters made them
most of the dashboard's rendering time. Every value is a number or a date, and
the few words are fixed here, so the markup is escaped by construction.
"""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from progress.completion import ActivityChart, StageCompletion

register = template.Library()

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(value) -> str:
    """Like the ``date:"j M Y"`` filter, without the per-call localisation machinery."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@register.simple_tag
def progress_bar(completion: StageCompletion) -> SafeString:
    c = completion
    return format_html(
        '<svg class="progress-svg" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" '
        'aria-label="{} done, {} skipped, {} in progress, of {}">'
        '<rect class="bar-track" x="0" y="0" width="100" height="8" rx="4"/>'
        '<rect class="bar-done" x="0" y="0" width="{}" height="8"/>'
        '<rect class="bar-skipped" x="{}" y="0" width="{}" height="8"/>'
        '<rect class="bar-in-progress" x="{}" y="0" width="{}" height="8"/>'
        "</svg>",
        c.done, c.skipped, c.in_progress, c.total,
        *(f"{v:.2f}" for v in (c.bar_done, c.bar_skipped_x, c.bar_skipped, c.bar_in_progress_x, c.bar_in_progress)),
    )  # fmt: skip


MONTH_LABEL_ROOM = 24  # px a three-letter month takes at the chart's label size


@register.simple_tag
def activity_chart(chart: ActivityChart) -> SafeString:
    parts = [
        (
            f'<svg class="activity-chart" viewBox="0 0 {chart.width} {chart.height}" width="{chart.width}" '
            f'height="{chart.height}" role="img" aria-labelledby="chart-title chart-desc">'
        ),
        f'<title id="chart-title">Your activity in the last {len(chart.weeks)} weeks</title>',
    ]
    if chart.weeks:
        parts.append(
            f'<desc id="chart-desc">{_plural(chart.total, "change")} between the weeks of '
            f"{_day(chart.first_week)} and {_day(chart.last_week)}; the busiest week had {chart.max_count}.</desc>"
        )
    parts.append(
        f'<line class="chart-baseline" x1="0" y1="{chart.plot_height}" x2="{chart.width}" y2="{chart.plot_height}"/>'
    )
    label_y = chart.height - 4
    for bar in chart.weeks:
        if bar.count:
            css, y, height = "chart-bar", bar.y, bar.height
        else:
            # An empty week is a thin line on the baseline, so the weeks stay countable.
            css, y, height = "chart-bar empty", chart.plot_height - 2, 2
        parts.append(
            f'<rect class="{css}" x="{bar.x}" y="{y}" height="{height}" width="{chart.bar_width}" '
            f'data-week="{bar.week_start.isoformat()}" data-count="{bar.count}">'
            f"<title>Week of {_day(bar.week_start)}: {_plural(bar.count, 'change')}</title></rect>"
        )
        if bar.label:
            # A month starting in the last weeks would run off the chart's right edge: end it there.
            near_edge = bar.x > chart.width - MONTH_LABEL_ROOM
            at = f'x="{chart.width}" text-anchor="end"' if near_edge else f'x="{bar.x}"'
            parts.append(f'<text class="chart-label" {at} y="{label_y}">{escape(bar.label)}</text>')
    parts.append("</svg>")
    # Only integers, ISO dates, the fixed words above and the escaped labels go into this markup.
    return mark_safe("".join(parts))  # noqa: S308 - see the line above
