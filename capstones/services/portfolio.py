"""The learner's public portfolio and what it shows."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from capstones.handles import reserved_reason, skeleton
from capstones.models import Portfolio, ReleasedHandle, Submission
from capstones.policy import (
    may_edit_description,
)
from dlcurriculum.users import changes

from .review import TransitionError

Status = Submission.Status


def set_submission_public(submission: Submission, *, learner, public: bool) -> None:
    if learner.pk != submission.learner_id:
        raise PermissionDenied("Only the learner can publish their capstone.")
    if public and submission.status != Status.APPROVED:
        raise TransitionError("Only an approved capstone can be shown in your portfolio.")
    Submission.objects.filter(pk=submission.pk).update(is_public=public)


def portfolio_for(learner) -> Portfolio:
    portfolio = Portfolio.objects.filter(learner=learner).first()
    return portfolio if portfolio is not None else _new_portfolio(learner)


@changes.atomic
def _new_portfolio(learner) -> Portfolio:
    portfolio, created = Portfolio.objects.get_or_create(learner=learner, defaults={"slug": secrets.token_hex(8)})
    if created:
        changes.note_change(learner.pk)  # its slug is the public completion record's address, on the dashboard
    return portfolio


class HandleTakenError(Exception):
    """Another learner has this handle (or one that looks like it), it is reserved, or it is held
    for the learner who gave it up; the message says which."""


def handle_refusal(portfolio: Portfolio, handle: str, now=None) -> str | None:
    """Why ``portfolio`` may not take ``handle``, or None (2 queries)."""
    reason = reserved_reason(handle, site_name=settings.SITE_NAME)
    if reason:
        return reason
    key = skeleton(handle)
    taken = Portfolio.objects.filter(handle_key=key).exclude(pk=portfolio.pk).values_list("handle", flat=True).first()
    if taken == handle:
        return f"The handle {handle!r} is taken; choose another."
    if taken:
        return f"The handle {handle!r} looks too much like {taken!r}, another learner's; choose another."
    since = (now or timezone.now()) - timedelta(days=settings.CAPSTONE_HANDLE_HOLD_DAYS)
    if ReleasedHandle.objects.filter(handle_key=key, released_at__gte=since).exclude(portfolio=portfolio).exists():
        return (
            f"The handle {handle!r} (or one like it) was recently given up by another learner and is kept for "
            "them for a while, so their shared links keep working; choose another."
        )
    return None


def update_portfolio(
    learner,
    *,
    is_public: bool,
    headline: str,
    handle: str | None = None,
    allow_download: bool = False,
    show_scores: bool = False,
) -> Portfolio:
    portfolio = portfolio_for(learner)
    if handle and handle != portfolio.handle:
        refusal = handle_refusal(portfolio, handle)
        if refusal:
            raise HandleTakenError(refusal)
    try:
        with transaction.atomic():
            if portfolio.handle and portfolio.handle != handle:
                # The old handle stays the learner's for a while: links already shared lead to the new page.
                ReleasedHandle.objects.create(
                    portfolio=portfolio, handle=portfolio.handle, handle_key=skeleton(portfolio.handle)
                )
            Portfolio.objects.filter(pk=portfolio.pk).update(
                is_public=is_public,
                headline=headline,
                handle=handle,
                handle_key=skeleton(handle) if handle else "",
                allow_download=allow_download,
                show_scores=show_scores,
            )
    except IntegrityError as exc:
        # Taken by someone else between the check and the write.
        raise HandleTakenError(f"The handle {handle!r} is taken; choose another.") from exc
    portfolio.refresh_from_db()
    return portfolio


def set_description(submission: Submission, *, learner, description: str) -> None:
    if not may_edit_description(learner, submission):
        raise PermissionDenied("Only the learner writes their capstone's public description.")
    Submission.objects.filter(pk=submission.pk).update(description=description.strip())
