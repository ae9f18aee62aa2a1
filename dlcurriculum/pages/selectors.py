"""Reads that combine features (progress with capstones)."""

from __future__ import annotations

from progress.models import CompletionRecord


def public_completion_record(user) -> CompletionRecord | None:
    """The learner's completion record if they made it public (1 query). For the portfolio
    page at /u/<handle>/: render it with ``{% include "progress/_completion_record.html"
    with record=... record_user=... %}``."""
    return CompletionRecord.objects.filter(user=user, is_public=True).first()
