"""The capstone policy for templates: ``{% load capstones_policy %}`` then ``user|is_mentor``."""

from django import template

from capstones import policy

register = template.Library()


@register.filter
def is_mentor(user) -> bool:
    return policy.is_mentor(user)
