"""Template helpers available in every template (registered as a builtin)."""

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from .markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3 in render_markdown


@register.filter(name="ago")
def ago(moment) -> str:
    """How long ago, as a person says it: "just now", "5 minutes ago", "3 days ago".

    Django's `timesince` alone gives "0 minutes" for anything under a minute and two units
    ("3 days, 4 hours"); people read one unit.
    """
    if not moment:
        return ""
    seconds = (timezone.now() - moment).total_seconds()
    if seconds < 60:
        return "just now"
    for unit_seconds, unit in _UNITS:
        if seconds >= unit_seconds:
            count = int(seconds // unit_seconds)
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return "just now"  # pragma: no cover - the last unit is a minute


_UNITS = (
    (365 * 86400, "year"),
    (30 * 86400, "month"),
    (7 * 86400, "week"),
    (86400, "day"),
    (3600, "hour"),
    (60, "minute"),
)
