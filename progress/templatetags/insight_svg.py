"""A horizontal bar for the insight page: numbers only, so the markup is escaped by construction."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def count_bar(value: int, maximum: int, label: str) -> SafeString:
    width = 0.0 if not maximum else 100 * value / maximum
    return format_html(
        '<svg class="insight-bar" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label="{}: {}">'
        '<rect x="0" y="0" width="100" height="8" fill="#eef0f3"/>'
        '<rect x="0" y="0" width="{}" height="8" fill="#417690"/></svg>',
        label,
        value,
        f"{width:.2f}",
    )
