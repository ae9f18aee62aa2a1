"""Template helpers available in every template (registered as a builtin)."""

from django import template
from django.utils.safestring import mark_safe

from .markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3 in render_markdown


@register.filter(name="email_markdown")
def email_markdown_filter(text: str) -> str:
    """Markdown for HTML e-mail: like ``markdown``, but nothing is loaded from elsewhere."""
    return mark_safe(render_markdown(text, for_email=True))  # noqa: S308 - sanitised by nh3 in render_markdown
