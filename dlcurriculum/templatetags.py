"""Template helpers available in every template (registered as a builtin)."""

import html

from django import template
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeData, mark_safe
from django.utils.text import Truncator

from .markdown import markdown_plaintext, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3 in render_markdown


@register.filter(name="markdown_email")
def markdown_email_filter(text: str) -> str:
    """As ``markdown``, for an e-mail's HTML part: math as its TeX in code (not every mail client draws MathML)."""
    return mark_safe(render_markdown(text, email=True))  # noqa: S308 - sanitised by nh3 in render_markdown


@register.filter(name="markdown_plaintext")
def markdown_plaintext_filter(text: str) -> str:
    """Markdown source as plain text on one line (not marked safe: autoescape escapes it where it lands).

    For attribute values, ``<title>`` and previews; ``markdown`` is for element content only.
    """
    return markdown_plaintext(text)


@register.filter(name="attr_text")
def attr_text(value, length=None) -> str:
    """``value`` as plain text for an HTML attribute: one line, at most ``length`` characters, never
    marked safe, so autoescape always escapes ``"``, ``'``, ``<``, ``&`` for the attribute.

    HTML handed in by mistake (a SafeString, e.g. ``markdown`` output) is turned back into its text
    first instead of being printed raw: a safe string is safe between tags, not inside quotes.
    """
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, SafeData):
        text = html.unescape(strip_tags(text))
    text = " ".join(text.split())  # join builds a plain str: never the SafeString subclass
    if length:
        text = Truncator(text).chars(int(length))
    return text


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


@register.simple_tag
def service_status() -> dict:
    """Database and Redis as /readyz sees them, for the admin's front page."""
    from .health import service_status as status

    return status()
