"""The capstone policy for templates: ``{% load capstones_policy %}`` then ``user|is_mentor``."""

from django import template

from capstones import policy

register = template.Library()


@register.filter
def is_mentor(user) -> bool:
    return policy.is_mentor(user)


@register.simple_tag(takes_context=True)
def unread_count(context) -> int:
    """What waits for the signed-in user, counted once per page whatever the page shows."""
    request = context.get("request")
    if request is None:
        return 0
    if not hasattr(request, "_capstones_unread"):
        from capstones import selectors

        request._capstones_unread = selectors.unread_count(request.user)
    return request._capstones_unread


@register.simple_tag(takes_context=True)
def review_queue_count(context) -> int:
    """How many submissions wait for a mentor, for mentors only (one cached figure, no query once known)."""
    request = context.get("request")
    if request is None or not policy.is_mentor(request.user):
        return 0
    from capstones import selectors

    return selectors.queue_count()
