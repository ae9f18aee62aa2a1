"""Reads that combine features (progress with capstones)."""

from __future__ import annotations

from django.core.cache import cache
from django.urls import reverse

from capstones.models import Portfolio
from capstones.selectors import capstone_status_for
from progress import selectors as progress_selectors
from progress.models import CompletionRecord
from progress.selectors import DASHBOARD_CACHE_SECONDS, DashboardPage
from stages.outline import outline_token_key, outline_with_token


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


def approved_stage_ids(capstone_status, curriculum) -> set[int]:
    """The stages whose capstone the learner has approved (capstones knows the status by stage slug)."""
    ids = {stage.slug: stage.pk for stage in curriculum.stages}
    return {ids[c.stage_slug] for c in capstone_status if c.status == "approved" and c.stage_slug in ids}


def dashboard_page(user) -> DashboardPage:
    """The learner's dashboard: progress and capstones, from one cache round trip when nothing
    changed (no query beyond the signed-in user, who comes with their change stamp).

    The entry is keyed on the learner's change stamp (``user.changes``: every write of their
    progress, pace plan, pauses, completion record or capstone submissions bumps it, see
    dlcurriculum.users.changes), their today and time zone; it holds the outline token it was
    built from, read in the same round trip, so an edit of the curriculum makes it miss. Nothing
    cached is ever shown stale. Built: 9 queries (progress 7, capstones 1, the completion
    record's address 1 when it is public). The "why" is read live from the user; the recent
    items are rendered live ("3 hours ago" moves on).
    """
    today, tz = progress_selectors.learner_today_and_zone(user)
    key = f"dashboard:v5:{user.pk}:{user.changes}:{today.isoformat()}:{tz.key}"
    token_key = outline_token_key()
    found = cache.get_many([key, token_key])
    content = found.get(key)
    if content is None or token_key not in found or content.pop("outline_token") != found[token_key]:
        curriculum, token = outline_with_token()
        capstone_status = capstone_status_for(user)
        approved = approved_stage_ids(capstone_status, curriculum)
        content = progress_selectors.dashboard_content(user, curriculum, approved)
        content["capstone_status"] = capstone_status
        record = content["completion_record"]
        if record is not None and record.is_public:
            slug = completion_record_address(user)
            content["completion_record_url"] = reverse("public_completion", kwargs={"slug": slug}) if slug else ""
        cache.set(key, {**content, "outline_token": token}, DASHBOARD_CACHE_SECONDS)
    return DashboardPage(**content, why=user.why)
