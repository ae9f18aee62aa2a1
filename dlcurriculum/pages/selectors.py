"""Reads that combine features (progress with capstones)."""

from __future__ import annotations

from capstones.models import Portfolio
from progress.models import CompletionRecord


def public_completion_record(user) -> CompletionRecord | None:
    """The learner's completion record if they made it public (1 query). For a portfolio page:
    render it with ``{% include "progress/_completion_record.html" with record=... record_user=... %}``."""
    return CompletionRecord.objects.filter(user=user, is_public=True).first()


def public_completion_record_by_address(slug: str) -> CompletionRecord | None:
    """The public completion record at the learner's public address (their portfolio's random
    slug, whether or not the portfolio itself is public), with its learner (1 query)."""
    return (
        CompletionRecord.objects.filter(is_public=True, user__in=Portfolio.objects.filter(slug=slug).values("learner"))
        .select_related("user")
        .first()
    )


def completion_record_address(user) -> str | None:
    """The slug under which the learner's public completion record is shown (1 query)."""
    return Portfolio.objects.filter(learner=user).values_list("slug", flat=True).first()
