"""The learner's public portfolio and what it shows."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from capstones.models import Portfolio, Submission
from capstones.policy import (
    may_edit_description,
)

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
    if portfolio is None:
        portfolio, _ = Portfolio.objects.get_or_create(learner=learner, defaults={"slug": secrets.token_hex(8)})
    return portfolio


class HandleTakenError(Exception):
    """Another learner has this handle."""


def update_portfolio(
    learner, *, is_public: bool, headline: str, handle: str | None = None, allow_download: bool = False
) -> Portfolio:
    portfolio = portfolio_for(learner)
    if handle and Portfolio.objects.filter(handle=handle).exclude(pk=portfolio.pk).exists():
        raise HandleTakenError(f"The handle {handle!r} is taken; choose another.")
    try:
        with transaction.atomic():
            Portfolio.objects.filter(pk=portfolio.pk).update(
                is_public=is_public, headline=headline, handle=handle, allow_download=allow_download
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
