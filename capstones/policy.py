"""Who may do what with a capstone submission. The one place these rules are written:
views, services, templates (the ``capstones_policy`` tags) and the admin ask here, so a
form the page hides is refused by the same rule when posted directly.

Mentors are the members of the Mentors group (``User.is_mentor``) and admins (staff).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from dlcurriculum.users.models import User

from .models import Notification, Review, Submission

Status = Submission.Status


def is_mentor(user) -> bool:
    """Reviews capstones: a member of the Mentors group, or an admin. No query for the
    signed-in user (``users.backends`` loads ``is_mentor`` with them)."""
    return bool(user and user.is_authenticated and (user.is_staff or user.is_mentor))


def mentors() -> QuerySet[User]:
    """Everyone :func:`is_mentor` is true for, as a queryset (the admin's mentor choices)."""
    return User.objects.with_roles().filter(Q(_is_mentor=True) | Q(is_staff=True))


def claim_is_stale(submission: Submission, now: datetime | None = None) -> bool:
    """The claiming mentor has been idle too long (or let a handed-back resubmission's lease
    run out): anyone may claim it again."""
    now = now or timezone.now()
    if submission.status != Status.IN_REVIEW or submission.claimed_at is None:
        return False
    if submission.held_for_mentor_until is not None:
        return submission.held_for_mentor_until <= now
    return submission.claimed_at < now - timedelta(days=settings.CAPSTONE_CLAIM_IDLE_DAYS)


def is_reviewing(user, submission: Submission) -> bool:
    """``user`` is the mentor who has this submission in review now."""
    return bool(user and submission.status == Status.IN_REVIEW and submission.mentor_id == user.pk)


def may_view(user, submission: Submission) -> bool:
    """The learner, admins, the mentor on it, mentors while it is up for claiming, and
    mentors who decided on it before."""
    if not user.is_authenticated:
        return False
    if user.pk == submission.learner_id or user.is_staff:
        return True
    if not user.is_mentor:
        return False
    if submission.mentor_id == user.pk:
        return True
    if submission.status == Status.WAITING or claim_is_stale(submission):
        return True
    return Review.objects.filter(iteration__submission=submission, mentor=user).exists() or was_reassigned_from(
        user, submission
    )


def was_reassigned_from(user, submission: Submission) -> bool:
    """An admin moved ``user``'s claim to another mentor: they keep reading the conversation."""
    return Notification.objects.filter(
        recipient=user, submission=submission, kind=Notification.Kind.REASSIGNED
    ).exists()


def may_claim(user, submission: Submission, now: datetime | None = None) -> bool:
    """A mentor, not the learner, while the submission waits or its claim went stale.

    The rule for the page's button and for the service alike: nobody, an admin included, takes an
    active claim by claiming; an admin does it explicitly with :func:`may_reassign`."""
    return (
        is_mentor(user)
        and user.pk != submission.learner_id
        and (submission.status == Status.WAITING or claim_is_stale(submission, now))
    )


def claim_is_active(submission: Submission, now: datetime | None = None) -> bool:
    return (
        submission.status == Status.IN_REVIEW
        and submission.mentor_id is not None
        and not claim_is_stale(submission, now)
    )


def may_reassign(user, submission: Submission, now: datetime | None = None) -> bool:
    """Admins move an active claim to another mentor (or to themselves), on a confirmation page;
    the mentor who had it is told and keeps reading the conversation."""
    return bool(user and user.is_authenticated and user.is_staff and claim_is_active(submission, now))


def may_review_instead(mentor, submission: Submission) -> bool:
    """Whom an active claim may be moved to: a mentor, not the learner, not the mentor who has it."""
    return is_mentor(mentor) and mentor.pk not in (submission.learner_id, submission.mentor_id)


def may_ask_for_review(user, submission: Submission) -> bool:
    """Only the learner, and only when the automatic check kept the submission from the mentors."""
    return bool(user and user.pk == submission.learner_id and submission.status == Status.RULES_BROKEN)


def is_their_mentor(user, submission: Submission) -> bool:
    """``user`` is the mentor on this submission: reviewing it now, or the last to decide on it."""
    return bool(user and user.is_authenticated and submission.mentor_id == user.pk and is_mentor(user))


def may_comment(user, submission: Submission, *, on_latest_iteration: bool) -> bool:
    """The learner, their mentor (whatever the state: the conversation goes on between
    iterations) and admins, on the latest iteration only (the thread continues there)."""
    if not on_latest_iteration or not user.is_authenticated:
        return False
    return user.pk == submission.learner_id or is_their_mentor(user, submission) or user.is_staff


def other_side(user, submission: Submission):
    """Whom a message from ``user`` is for: the learner's messages go to their mentor
    (None while nobody has claimed it), everyone else's to the learner."""
    if user.pk == submission.learner_id:
        return submission.mentor if submission.mentor_id else None
    return submission.learner


def may_edit_description(user, submission: Submission) -> bool:
    """The public description is the learner's own text, editable at any time."""
    return bool(user.is_authenticated and user.pk == submission.learner_id)


def may_download_public(portfolio) -> bool:
    """Visitors download a public capstone's notebook only where the learner allowed it."""
    return bool(portfolio.is_public and portfolio.allow_download)


def may_decide(user, submission: Submission) -> bool:
    """Only the mentor who has it in review approves or requests changes."""
    return is_reviewing(user, submission)
