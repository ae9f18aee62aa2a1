"""Template helpers available in every template (registered as a builtin)."""

from django import template
from django.utils.safestring import mark_safe

from .markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3 in render_markdown


@register.simple_tag
def service_status() -> dict:
    """Database and Redis as /readyz sees them, for the admin's front page."""
    from .health import service_status as status

    return status()
