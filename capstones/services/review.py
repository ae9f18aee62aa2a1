"""The review state machine: every change of a submission's status goes through :func:`transition`;
the mentor's and the learner's moves on it (claim, release, decide, comment)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from capstones.models import Comment, Iteration, Notification, Review, Submission
from capstones.policy import (
    claim_is_stale,
    is_mentor,
    is_reviewing,
    may_claim,
    may_comment,
    may_decide,
    may_reassign,
    may_review_instead,
    other_side,
)
from dlcurriculum.tasks import enqueue_on_commit
from dlcurriculum.users import changes as learner_changes

from .common import TransitionError, capstone_tasks
from .limits import check_message_rate
from .notifications import close_group_notices, forget_queue_count, forget_unread, notify, notify_mentors
from .scoring import Score, checked_scores, save_scores

Status = Submission.Status


class Action:
    SUBMIT = "submit"
    # Taken by the system when the automatic check of the latest iteration finishes.
    CHECK_PASSED = "check_passed"
    CHECK_FAILED = "check_failed"
    # The learner believes the check is wrong and asks a mentor anyway, with a reason.
    ASK_REVIEW = "ask_review"
    CLAIM = "claim"
    # An admin moves an active claim to another mentor (policy.may_reassign).
    REASSIGN = "reassign"
    RELEASE = "release"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"


# action -> (statuses it may start from, status it leads to). None: no submission yet.
TRANSITIONS: dict[str, tuple[frozenset, str]] = {
    Action.SUBMIT: (
        frozenset({None, Status.CHECKING, Status.RULES_BROKEN, Status.WAITING, Status.CHANGES_REQUESTED}),
        Status.CHECKING,
    ),
    Action.CHECK_PASSED: (frozenset({Status.CHECKING}), Status.WAITING),
    Action.CHECK_FAILED: (frozenset({Status.CHECKING}), Status.RULES_BROKEN),
    Action.ASK_REVIEW: (frozenset({Status.RULES_BROKEN}), Status.WAITING),
    Action.CLAIM: (frozenset({Status.WAITING, Status.IN_REVIEW}), Status.IN_REVIEW),
    Action.REASSIGN: (frozenset({Status.IN_REVIEW}), Status.IN_REVIEW),
    Action.RELEASE: (frozenset({Status.IN_REVIEW}), Status.WAITING),
    Action.APPROVE: (frozenset({Status.IN_REVIEW}), Status.APPROVED),
    Action.REQUEST_CHANGES: (frozenset({Status.IN_REVIEW}), Status.CHANGES_REQUESTED),
}

REFUSALS = {
    (Action.SUBMIT, Status.IN_REVIEW): "A mentor is reviewing your latest iteration; wait for their decision.",
    (Action.SUBMIT, Status.APPROVED): "This capstone is already approved.",
    (Action.CLAIM, Status.IN_REVIEW): "Another mentor has already claimed this submission.",
    (Action.CLAIM, Status.APPROVED): "This submission is already approved.",
    (Action.CLAIM, Status.CHANGES_REQUESTED): "This submission waits for the learner's next iteration.",
    (Action.CLAIM, Status.CHECKING): "The automatic check of this submission is still running.",
    (Action.CLAIM, Status.RULES_BROKEN): (
        "The automatic check found rule breaks and the learner has not asked for a review."
    ),
    (Action.ASK_REVIEW, Status.CHECKING): "The automatic check is still running; wait for its report.",
    (Action.ASK_REVIEW, Status.WAITING): "This submission is already waiting for a mentor.",
    (Action.ASK_REVIEW, Status.IN_REVIEW): "A mentor is already reviewing this submission.",
}


def transition(
    submission: Submission, action: str, *, actor, mentor=None, now: datetime | None = None, on_review=None
) -> Submission:
    """Move ``submission`` by ``action``, or raise TransitionError / PermissionDenied.

    The row is locked and the write is conditional on the state that was read,
    so two mentors claiming at once cannot both win (also where the database
    cannot lock rows). ``actor`` None is the system (expiring idle claims). ``on_review`` is called
    with a decision's new Review inside the same transaction (its rubric scores are saved there).
    """
    try:
        return _transition(
            submission, action, actor=actor, mentor=mentor, now=now or timezone.now(), on_review=on_review
        )
    except OperationalError as exc:
        # SQLite refuses a concurrent writer outright instead of making it wait.
        if "locked" not in str(exc):
            raise
        raise TransitionError(_CONCURRENT) from exc


_CONCURRENT = "Someone else changed this submission at the same moment; reload and try again."


@learner_changes.atomic
def _transition(submission: Submission, action: str, *, actor, mentor, now: datetime, on_review) -> Submission:  # noqa: C901 - one branch per action, in order
    if action not in TRANSITIONS:
        raise TransitionError(f"Unknown action {action!r}.")
    current = Submission.objects.select_for_update().get(pk=submission.pk)
    sources, target = TRANSITIONS[action]
    if current.status not in sources:
        raise TransitionError(
            REFUSALS.get((action, current.status))
            or f"Cannot {action.replace('_', ' ')} a submission that is {current.get_status_display().lower()}."
        )
    _authorise(current, action, actor, mentor, now)

    changes: dict = {
        "status": target,
        "updated_at": now,
        "held_for_mentor_until": None,
        **_queue_changes(current, action, now),
    }
    handed_back = action in (Action.CHECK_PASSED, Action.ASK_REVIEW) and _goes_back_to_mentor(current)
    if handed_back:
        # The mentor who asked for the changes knows the work: it goes back to them, held for a few days.
        hold = timedelta(days=settings.CAPSTONE_RESUBMISSION_HOLD_DAYS)
        changes.update(status=Status.IN_REVIEW, claimed_at=now, held_for_mentor_until=now + hold)
    elif action in (Action.CHECK_PASSED, Action.ASK_REVIEW):
        changes.update(mentor=None)
    elif action in (Action.CLAIM, Action.REASSIGN):
        changes.update(mentor=mentor or actor, claimed_at=now)
    elif action == Action.RELEASE:
        changes.update(mentor=None, claimed_at=None)
    elif action in (Action.APPROVE, Action.REQUEST_CHANGES):
        changes.update(claimed_at=None)
        if action == Action.APPROVE:
            changes["approved_at"] = now

    won = Submission.objects.filter(
        pk=current.pk, status=current.status, mentor=current.mentor_id, claimed_at=current.claimed_at
    ).update(**changes)
    if not won:
        raise TransitionError(_CONCURRENT)
    learner_changes.note_change(current.learner_id)  # the learner's dashboard shows the status
    if Status.WAITING in (current.status, changes["status"]):
        forget_queue_count()  # the mentors' navigation shows how many wait

    if action in (Action.APPROVE, Action.REQUEST_CHANGES):
        latest = current.iterations.order_by("-number").first()
        decision = Review.Decision.APPROVED if action == Action.APPROVE else Review.Decision.CHANGES_REQUESTED
        review = Review.objects.create(iteration=latest, mentor=actor, decision=decision, created_at=now)
        if on_review is not None:
            on_review(review)
        enqueue_on_commit(capstone_tasks().send_decision_email, review.pk)
        # Shown in the app; its e-mail is the decision e-mail itself.
        Notification.objects.create(
            recipient_id=current.learner_id,
            submission=current,
            actor=actor,
            kind=Notification.Kind.DECISION,
            review=review,
            created_at=now,
            emailed_at=now,
        )
        forget_unread(current.learner_id)
    _tell(current, action, actor=actor, handed_back=handed_back, now=now)
    if action == Action.REASSIGN:
        # Told at once; the notification also keeps their read access (policy.was_reassigned_from).
        notify(current.mentor, current, Notification.Kind.REASSIGNED, actor=actor, now=now)

    current.refresh_from_db()
    return current


def _tell(current: Submission, action: str, *, actor, handed_back: bool, now) -> None:
    """Who hears of a move: the mentor it went back to, or every mentor while nobody has it; a
    claim (or a new upload) settles the notices the others had not read."""
    Kind = Notification.Kind  # noqa: N806 - the model's enum, by its usual name
    if handed_back:
        kind = Kind.RESUBMISSION if action == Action.CHECK_PASSED else Kind.REVIEW_ASKED
        notify(current.mentor, current, kind, actor=current.learner, now=now)
    elif action in (Action.CHECK_PASSED, Action.ASK_REVIEW):
        kind = Kind.READY if action == Action.CHECK_PASSED else Kind.REVIEW_ASKED
        notify_mentors(current, kind, actor=current.learner, now=now)
    elif action == Action.RELEASE:
        # The mentor who let it go knows (a lapsed claim tells them itself, release_idle_claims).
        notify_mentors(current, Kind.RETURNED, actor=actor, exclude=[actor, current.mentor], now=now)
    elif action in (Action.CLAIM, Action.SUBMIT):
        close_group_notices(current, now=now)


def _goes_back_to_mentor(current: Submission) -> bool:
    """The submission remembers the mentor who requested changes, who is still a mentor."""
    return bool(current.mentor_id and is_mentor(current.mentor))


_LEARNER_ACTIONS = (Action.SUBMIT, Action.ASK_REVIEW)
_SYSTEM_ACTIONS = (Action.CHECK_PASSED, Action.CHECK_FAILED)


def _authorise(current: Submission, action: str, actor, mentor, now) -> None:  # noqa: C901 - one refusal per rule, per action
    if action in _LEARNER_ACTIONS or action in _SYSTEM_ACTIONS:
        _authorise_learner_or_system(current, action, actor)
    elif action == Action.CLAIM:
        if not is_mentor(actor):
            raise PermissionDenied("Only mentors can claim submissions.")
        if mentor is not None and mentor != actor and not actor.is_staff:
            raise PermissionDenied("Only admins can assign a submission to another mentor.")
        reviewer = mentor or actor
        if reviewer.pk == current.learner_id:
            raise PermissionDenied("Nobody reviews their own capstone.")
        if mentor is not None and not is_mentor(mentor):
            raise PermissionDenied(f"{mentor} is not a mentor.")
        if not may_claim(reviewer, current, now):
            # The page's rule: an active claim is taken only by an explicit reassignment.
            raise TransitionError(REFUSALS[(Action.CLAIM, Status.IN_REVIEW)])
    elif action == Action.REASSIGN:
        if not may_reassign(actor, current, now):
            raise PermissionDenied("Only admins move another mentor's active claim, from its reassign page.")
        if not may_review_instead(mentor, current):
            raise PermissionDenied("Choose a mentor other than the learner and the mentor who has it now.")
    elif action == Action.RELEASE:
        if actor is None:
            if not claim_is_stale(current, now):
                raise TransitionError("The claim is still active.")
        elif not (actor.pk == current.mentor_id or actor.is_staff):
            raise PermissionDenied("Only the mentor who claimed it can release it.")
    elif not may_decide(actor, current):
        raise PermissionDenied("Only the mentor who claimed this submission can decide on it.")


def _queue_changes(current: Submission, action: str, now) -> dict:
    """Where an upload or a review request puts the submission in the queue."""
    if action == Action.SUBMIT:
        # A fix uploaded while still waiting keeps its place in the queue once its check passes.
        keeps_place = current.status in (Status.WAITING, Status.CHECKING)
        # The mentor who requested the changes is remembered through the check (and a rule
        # break): the iteration goes back to them once it passes (see _transition).
        remembered = current.status in (Status.CHANGES_REQUESTED, Status.CHECKING, Status.RULES_BROKEN)
        return {
            "mentor": current.mentor_id if remembered else None,
            "claimed_at": None,
            "waiting_since": current.waiting_since if keeps_place else now,
        }
    if action == Action.ASK_REVIEW:
        return {"waiting_since": now}
    return {}


def _authorise_learner_or_system(current: Submission, action: str, actor) -> None:
    if action in _SYSTEM_ACTIONS:
        if actor is not None:
            raise PermissionDenied("Only the automatic check moves a submission out of checking.")
    elif actor is None or actor.pk != current.learner_id:
        raise PermissionDenied("Only the learner can submit iterations or ask for a review.")


def claim(submission: Submission, *, mentor) -> Submission:
    return transition(submission, Action.CLAIM, actor=mentor)


def assign(submission: Submission, *, admin, mentor) -> Submission:
    return transition(submission, Action.CLAIM, actor=admin, mentor=mentor)


def reassign(submission: Submission, *, admin, mentor) -> Submission:
    """Move an active claim to ``mentor`` (the admin themselves, or another mentor)."""
    return transition(submission, Action.REASSIGN, actor=admin, mentor=mentor)


def release(submission: Submission, *, mentor) -> Submission:
    return transition(submission, Action.RELEASE, actor=mentor)


@learner_changes.atomic
def decide(
    submission: Submission,
    *,
    mentor,
    decision: str,
    feedback: str,
    cell: int | None = None,
    scores: dict[int, Score] | None = None,
) -> Submission:
    """Approve or request changes, with a level for every criterion of the brief's rubric (``scores`` by
    criterion id; RubricIncompleteError before anything changes when one is missing)."""
    action = Action.APPROVE if decision == Review.Decision.APPROVED else Action.REQUEST_CHANGES
    scores = checked_scores(submission.brief_id, scores)
    submission = transition(submission, action, actor=mentor, on_review=lambda review: save_scores(review, scores))
    if feedback.strip():
        latest = submission.iterations.order_by("-number").first()
        # No message notification: the decision e-mail carries the feedback.
        Comment.objects.create(iteration=latest, author=mentor, body=feedback.strip(), cell=cell)
    return submission


@transaction.atomic
def add_comment(iteration: Iteration, *, author, body: str, cell: int | None = None) -> Comment:
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("learner", "mentor")
        .get(pk=iteration.submission_id)
    )
    latest = submission.iterations.aggregate(n=Max("number"))["n"]
    if not may_comment(author, submission, on_latest_iteration=iteration.number == latest):
        if iteration.number != latest:
            raise PermissionDenied("Comments go on the latest iteration.")
        raise PermissionDenied("Only the learner and their mentor can comment.")
    check_message_rate(author, submission.pk, timezone.now())
    reviewing = is_reviewing(author, submission)
    comment = Comment.objects.create(iteration=iteration, author=author, body=body.strip(), cell=cell)
    if reviewing:
        # Activity keeps the claim alive, and turns a handed-back lease into an ordinary claim.
        Submission.objects.filter(pk=submission.pk).update(claimed_at=comment.created_at, held_for_mentor_until=None)
    recipient = other_side(author, submission)
    if recipient is not None and recipient.pk != author.pk:
        notify(recipient, submission, Notification.Kind.MESSAGE, actor=author, comment=comment, now=comment.created_at)
    return comment


def release_idle_claims(now: datetime | None = None) -> int:
    """Return idle claims and lapsed leases to the queue, and tell each mentor."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CAPSTONE_CLAIM_IDLE_DAYS)
    candidates = Submission.objects.filter(status=Status.IN_REVIEW).filter(
        Q(held_for_mentor_until__isnull=True, claimed_at__lt=cutoff) | Q(held_for_mentor_until__lte=now)
    )
    released = 0
    for submission in candidates.select_related("mentor"):
        mentor = submission.mentor
        try:
            with learner_changes.atomic():
                transition(submission, Action.RELEASE, actor=None, now=now)
                if mentor is not None:
                    notify(mentor, submission, Notification.Kind.LEASE_EXPIRED, now=now)
            released += 1
        except TransitionError:
            continue  # the mentor acted in the meantime
    return released
