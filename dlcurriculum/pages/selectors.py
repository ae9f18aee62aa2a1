"""Reads that combine features (progress with capstones)."""

from __future__ import annotations

from capstones.models import Portfolio, SubmissionStatus
from progress.models import CompletionRecord


def public_completion_record(user) -> CompletionRecord | None:
    """The learner's completion record if they made it public (1 query), for their portfolio page."""
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


def approved_stage_ids(capstone_status, curriculum) -> set[int]:
    """The stages whose capstone the learner has approved (capstones knows the status by stage slug)."""
    return set(capstone_approvals(capstone_status, curriculum))


def capstone_approvals(capstone_status, curriculum) -> dict:
    """When the learner's capstone of each stage was approved (stage id: aware time, or None when
    not known), for progress's figures: a capstone's hours are left until then, done from then on."""
    ids = {stage.slug: stage.pk for stage in curriculum.stages}
    return {
        ids[c.stage_slug]: c.approved_at
        for c in capstone_status
        if c.status == SubmissionStatus.APPROVED and c.stage_slug in ids
    }
