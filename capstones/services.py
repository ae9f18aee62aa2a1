"""Writes for capstones. Every change of a submission's status goes through :func:`transition`."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from dlcurriculum.leases import Lease
from dlcurriculum.mail.services import send_templated
from dlcurriculum.tasks import enqueue_later_on_commit, enqueue_on_commit
from stages.models import CapstoneBrief, ProjectIdea

from . import notebooks
from .frameworks import brief_rules
from .models import Comment, Iteration, Notification, Portfolio, Rendering, Report, Review, Submission
from .notebooks import diff as notebook_diff
from .policy import (
    claim_is_stale,
    is_mentor,
    is_reviewing,
    may_comment,
    may_decide,
    may_edit_description,
    other_side,
)

logger = logging.getLogger(__name__)

Status = Submission.Status


class Action:
    SUBMIT = "submit"
    # Taken by the system when the automatic check of the latest iteration finishes.
    CHECK_PASSED = "check_passed"
    CHECK_FAILED = "check_failed"
    # The learner believes the check is wrong and asks a mentor anyway, with a reason.
    ASK_REVIEW = "ask_review"
    CLAIM = "claim"
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
    Action.RELEASE: (frozenset({Status.IN_REVIEW}), Status.WAITING),
    Action.APPROVE: (frozenset({Status.IN_REVIEW}), Status.APPROVED),
    Action.REQUEST_CHANGES: (frozenset({Status.IN_REVIEW}), Status.CHANGES_REQUESTED),
}

_REFUSALS = {
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


class TransitionError(Exception):
    """The action is not possible in the submission's current state; the message says why."""


def transition(submission: Submission, action: str, *, actor, mentor=None, now: datetime | None = None) -> Submission:
    """Move ``submission`` by ``action``, or raise TransitionError / PermissionDenied.

    The row is locked and the write is conditional on the state that was read,
    so two mentors claiming at once cannot both win (also where the database
    cannot lock rows). ``actor`` None is the system (expiring idle claims).
    """
    try:
        return _transition(submission, action, actor=actor, mentor=mentor, now=now or timezone.now())
    except OperationalError as exc:
        # SQLite refuses a concurrent writer outright instead of making it wait.
        if "locked" not in str(exc):
            raise
        raise TransitionError(_CONCURRENT) from exc


_CONCURRENT = "Someone else changed this submission at the same moment; reload and try again."


@transaction.atomic
def _transition(submission: Submission, action: str, *, actor, mentor, now: datetime) -> Submission:  # noqa: C901
    if action not in TRANSITIONS:
        raise TransitionError(f"Unknown action {action!r}.")
    current = Submission.objects.select_for_update().get(pk=submission.pk)
    sources, target = TRANSITIONS[action]
    if current.status not in sources:
        raise TransitionError(
            _REFUSALS.get((action, current.status))
            or f"Cannot {action.replace('_', ' ')} a submission that is {current.get_status_display().lower()}."
        )
    _authorise(current, action, actor, mentor, now)

    changes: dict = {"status": target, "updated_at": now, "lease_until": None, **_queue_changes(current, action, now)}
    handed_back = action in (Action.CHECK_PASSED, Action.ASK_REVIEW) and _goes_back_to_mentor(current)
    if handed_back:
        # The mentor who asked for the changes knows the work: it goes back to them, on a lease.
        lease = timedelta(days=settings.CAPSTONE_RESUBMISSION_LEASE_DAYS)
        changes.update(status=Status.IN_REVIEW, claimed_at=now, lease_until=now + lease)
    elif action in (Action.CHECK_PASSED, Action.ASK_REVIEW):
        changes.update(mentor=None)
    elif action == Action.CLAIM:
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

    if action in (Action.APPROVE, Action.REQUEST_CHANGES):
        latest = current.iterations.order_by("-number").first()
        decision = Review.Decision.APPROVED if action == Action.APPROVE else Review.Decision.CHANGES_REQUESTED
        review = Review.objects.create(iteration=latest, mentor=actor, decision=decision, created_at=now)
        enqueue_on_commit(_tasks().send_decision_email, review.pk)
        # Shown in the app; its e-mail is the decision e-mail itself.
        Notification.objects.create(
            recipient_id=current.learner_id,
            submission=current,
            actor=actor,
            kind=Notification.Kind.DECISION,
            created_at=now,
            emailed_at=now,
        )
        forget_unread(current.learner_id)
    if handed_back:
        notify(current.mentor, current, Notification.Kind.RESUBMISSION, actor=current.learner, now=now)

    current.refresh_from_db()
    return current


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
        if current.status == Status.IN_REVIEW and not (claim_is_stale(current, now) or actor.is_staff):
            raise TransitionError(_REFUSALS[(Action.CLAIM, Status.IN_REVIEW)])
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


def _tasks():
    # Imported late: tasks import this module.
    from . import tasks

    return tasks


# --------------------------------------------------------------------------- submitting


@transaction.atomic
def submit_iteration(
    *,
    learner,
    brief: CapstoneBrief,
    title: str,
    idea: ProjectIdea | None,
    own_problem: str,
    repository_url: str,
    write_up: str,
    notebook_bytes: bytes,
    filename: str,
) -> Iteration:
    """Create the submission if needed and add a new iteration, in checking until its automatic check
    finishes; the check and the rendering run after commit, in workers."""
    now = timezone.now()
    submission = Submission.objects.select_for_update().filter(learner=learner, brief=brief).first()
    if submission is None:
        submission = Submission.objects.create(
            learner=learner,
            brief=brief,
            title=title,
            idea=idea,
            own_problem="" if idea else own_problem,
            status=Status.CHECKING,
            waiting_since=now,
        )
    else:
        submission = transition(submission, Action.SUBMIT, actor=learner, now=now)
        Submission.objects.filter(pk=submission.pk).update(
            title=title, idea=idea, own_problem="" if idea else own_problem
        )
        submission.refresh_from_db()
    number = (submission.iterations.aggregate(n=Max("number"))["n"] or 0) + 1
    iteration = Iteration(
        submission=submission,
        number=number,
        original_name=filename[:255],
        size=len(notebook_bytes),
        sha256=hashlib.sha256(notebook_bytes).hexdigest(),
        repository_url=repository_url,
        write_up=write_up,
        created_at=now,
    )
    # Through the storage API: local media by default, S3 and friends by setting STORAGES.
    iteration.notebook.save(filename, ContentFile(notebook_bytes), save=False)
    iteration.save()
    Report.objects.create(iteration=iteration, enqueued_at=now)
    Rendering.objects.create(iteration=iteration, enqueued_at=now)
    enqueue_on_commit(_tasks().analyse_iteration, iteration.pk)
    enqueue_on_commit(_tasks().render_iteration, iteration.pk)
    return iteration


@transaction.atomic
def ask_for_review(submission: Submission, *, learner, reason: str) -> Submission:
    """The learner believes the automatic check is wrong: the latest iteration goes to the mentors
    anyway, with the learner's reason for them to read."""
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError("Say why you think the automatic check is wrong, so the mentor knows what to look at.")
    submission = transition(submission, Action.ASK_REVIEW, actor=learner)
    latest = submission.iterations.order_by("-number").first()
    Iteration.objects.filter(pk=latest.pk).update(review_reason=reason[:2_000])
    return submission


# --------------------------------------------------------------------------- background jobs

# What a learner and a mentor read when a job hits its time or memory limit.
TOO_LARGE_TO_CHECK = "This notebook is too large to check automatically: a mentor will look at it."
TOO_LARGE_TO_SHOW = "This notebook is too large to show here: download it to read it in Jupyter."
# The errors of a job that ran out of time or memory; never retried.
_LIMIT_ERRORS = (SoftTimeLimitExceeded, MemoryError, RecursionError)


def job_lease(model) -> Lease:
    """The lease of a capstone job row: it outlives the task's hard time limit (see dlcurriculum.leases)."""
    return Lease(
        model,
        key="iteration_id",
        duration=timedelta(seconds=settings.CAPSTONE_JOB_TIME_LIMIT + settings.CAPSTONE_JOB_LEASE_MARGIN),
        grace=timedelta(seconds=settings.CAPSTONE_JOB_GRACE_SECONDS),
    )


def _read_notebook(iteration: Iteration):
    with iteration.notebook.open("rb") as handle:
        data = handle.read()
    return notebooks.load_notebook(data, max_bytes=settings.CAPSTONE_MAX_NOTEBOOK_BYTES)


def run_analysis(iteration_id: int) -> Report | None:
    """Compute the report of one iteration and move its submission on. Idempotent: a report is
    computed once, by whichever copy of the task starts it first."""
    lease = job_lease(Report)
    attempt = lease.acquire(iteration_id)
    if attempt is None:
        return Report.objects.filter(iteration_id=iteration_id).first()
    try:
        return _analyse(iteration_id, attempt)
    except Exception as exc:
        if not isinstance(exc, SoftTimeLimitExceeded):
            lease.release(iteration_id)  # a database error: the task's retry may start it again
        raise


def _analyse(iteration_id: int, attempt: int) -> Report:
    if attempt > settings.CAPSTONE_JOB_MAX_ATTEMPTS:
        # The earlier attempts died at a time or memory limit (or took their worker down).
        return finish_analysis(iteration_id, error=TOO_LARGE_TO_CHECK)
    iteration = Iteration.objects.select_related("submission__brief").get(pk=iteration_id)
    brief = iteration.submission.brief
    try:
        notebook = _read_notebook(iteration)
        analysis = notebooks.analyse(notebook, **brief_rules(brief))
    except _LIMIT_ERRORS:
        logger.warning("Analysis of iteration %s hit a limit", iteration_id)
        return finish_analysis(iteration_id, error=TOO_LARGE_TO_CHECK)
    except notebooks.NotebookError as exc:
        return finish_analysis(iteration_id, error=str(exc))
    except Exception as exc:
        logger.exception("Analysis of iteration %s failed", iteration_id)
        name = type(exc).__name__
        return finish_analysis(
            iteration_id,
            error=f"The automatic check failed on this notebook ({name}); a mentor will review it by hand.",
        )
    return finish_analysis(iteration_id, verdict=analysis.verdict, data=_storable(analysis.to_dict()))


def finish_analysis(iteration_id: int, *, verdict: str = "", data: dict | None = None, error: str = "") -> Report:
    """Store the check's result once and move the submission out of checking.

    A report with a verdict that breaks the rules keeps the submission away from the mentors; any
    other outcome, a failed check included (a mentor then looks by hand), puts it in the queue.
    """
    with transaction.atomic():
        stored = Report.objects.filter(iteration_id=iteration_id, status=Report.Status.PENDING).update(
            status=Report.Status.FAILED if error else Report.Status.DONE,
            verdict="" if error else verdict,
            data=data or {},
            error=_storable(error),
            lease_expires_at=None,
            finished_at=timezone.now(),
        )
        if stored:
            _after_check(iteration_id, breaks_rules=not error and verdict == Report.Verdict.BREAKS_RULES)
    return Report.objects.get(iteration_id=iteration_id)


def _after_check(iteration_id: int, *, breaks_rules: bool) -> None:
    iteration = Iteration.objects.select_related("submission").get(pk=iteration_id)
    submission = iteration.submission
    latest = submission.iterations.aggregate(n=Max("number"))["n"]
    # An older iteration's check finishing late says nothing about the one now being checked.
    if submission.status != Status.CHECKING or iteration.number != latest:
        return
    try:
        transition(submission, Action.CHECK_FAILED if breaks_rules else Action.CHECK_PASSED, actor=None)
    except TransitionError:
        logger.info("Submission %s left checking meanwhile", submission.pk)


def run_rendering(iteration_id: int) -> Rendering | None:
    """Render one iteration's notebook once and keep the result, a failure with its reason too."""
    lease = job_lease(Rendering)
    attempt = lease.acquire(iteration_id)
    if attempt is None:
        return Rendering.objects.filter(iteration_id=iteration_id).first()
    try:
        return _render(iteration_id, attempt)
    except Exception as exc:
        if not isinstance(exc, SoftTimeLimitExceeded):
            lease.release(iteration_id)
        raise


def _render(iteration_id: int, attempt: int) -> Rendering:
    if attempt > settings.CAPSTONE_JOB_MAX_ATTEMPTS:
        return finish_rendering(iteration_id, error=TOO_LARGE_TO_SHOW)
    iteration = Iteration.objects.select_related("submission").get(pk=iteration_id)
    try:
        notebook = _read_notebook(iteration)
        html = notebooks.render_document(
            notebook, title=iteration.submission.title, max_output_chars=settings.CAPSTONE_MAX_OUTPUT_CHARS
        )
    except _LIMIT_ERRORS:
        logger.warning("Rendering of iteration %s hit a limit", iteration_id)
        return finish_rendering(iteration_id, error=TOO_LARGE_TO_SHOW)
    except notebooks.NotebookError as exc:
        return finish_rendering(iteration_id, error=str(exc))
    except Exception as exc:
        logger.exception("Rendering of iteration %s failed", iteration_id)
        return finish_rendering(
            iteration_id, error=f"This notebook cannot be shown here ({type(exc).__name__}); download it instead."
        )
    summary, changes = _diff_with_previous(iteration, notebook)
    return finish_rendering(iteration_id, html=html, diff_summary=summary, diff_html=changes)


def _diff_with_previous(iteration: Iteration, notebook) -> tuple[str, str]:
    """nbdime's cell-level diff against the previous iteration, as (summary, sanitised HTML)."""
    previous = (
        Iteration.objects.filter(submission_id=iteration.submission_id, number__lt=iteration.number)
        .order_by("-number")
        .first()
    )
    if previous is None:
        return "", ""
    try:
        diff = notebook_diff.diff_notebooks(_read_notebook(previous), notebook)
        return diff.summary[:200], notebook_diff.diff_html(diff)
    except notebook_diff.TooLargeToCompareError as exc:
        return f"{exc} Download both iterations to compare them.", ""
    except _LIMIT_ERRORS:
        # The time limit hit while comparing: the rendering made before it is still stored.
        logger.warning("Diff of iteration %s hit a limit", iteration.pk)
        return "The two iterations are too large to compare here; download both to compare them.", ""
    except notebooks.NotebookError:
        return "The previous iteration cannot be read, so there is nothing to compare with.", ""
    except Exception:
        logger.exception("Diff of iteration %s failed", iteration.pk)
        return "The two iterations cannot be compared here; download both to compare them.", ""


def finish_rendering(
    iteration_id: int, *, html: str = "", error: str = "", diff_summary: str = "", diff_html: str = ""
) -> Rendering:
    Rendering.objects.filter(iteration_id=iteration_id, status=Rendering.Status.PENDING).update(
        status=Rendering.Status.FAILED if error else Rendering.Status.DONE,
        html="" if error else _storable(html),
        diff_summary="" if error else _storable(diff_summary)[:200],
        diff_html="" if error else _storable(diff_html),
        error=_storable(error),
        lease_expires_at=None,
        finished_at=timezone.now(),
    )
    return Rendering.objects.get(iteration_id=iteration_id)


def _without_surrogates(text: str) -> str:
    # A lone surrogate (valid in JSON, not in UTF-8) must not break storing or serving the text.
    return text.encode("utf-8", "replace").decode("utf-8")


def _storable(value):
    """The report data as PostgreSQL's jsonb accepts it: no lone surrogates, no NUL characters."""
    if isinstance(value, str):
        return _without_surrogates(value).replace("\x00", "")
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_storable(v) for v in value]
    return value


# --------------------------------------------------------------------------- review


def claim(submission: Submission, *, mentor) -> Submission:
    return transition(submission, Action.CLAIM, actor=mentor)


def assign(submission: Submission, *, admin, mentor) -> Submission:
    return transition(submission, Action.CLAIM, actor=admin, mentor=mentor)


def release(submission: Submission, *, mentor) -> Submission:
    return transition(submission, Action.RELEASE, actor=mentor)


@transaction.atomic
def decide(submission: Submission, *, mentor, decision: str, feedback: str, cell: int | None = None) -> Submission:
    action = Action.APPROVE if decision == Review.Decision.APPROVED else Action.REQUEST_CHANGES
    submission = transition(submission, action, actor=mentor)
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
    reviewing = is_reviewing(author, submission)
    comment = Comment.objects.create(iteration=iteration, author=author, body=body.strip(), cell=cell)
    if reviewing:
        # Activity keeps the claim alive, and turns a handed-back lease into an ordinary claim.
        Submission.objects.filter(pk=submission.pk).update(claimed_at=comment.created_at, lease_until=None)
    recipient = other_side(author, submission)
    if recipient is not None and recipient.pk != author.pk:
        notify(recipient, submission, Notification.Kind.MESSAGE, actor=author, comment=comment, now=comment.created_at)
    return comment


def release_idle_claims(now: datetime | None = None) -> int:
    """Return idle claims and lapsed leases to the queue, and tell each mentor."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CAPSTONE_CLAIM_IDLE_DAYS)
    candidates = Submission.objects.filter(status=Status.IN_REVIEW).filter(
        Q(lease_until__isnull=True, claimed_at__lt=cutoff) | Q(lease_until__lte=now)
    )
    released = 0
    for submission in candidates.select_related("mentor"):
        mentor = submission.mentor
        try:
            with transaction.atomic():
                transition(submission, Action.RELEASE, actor=None, now=now)
                if mentor is not None:
                    notify(mentor, submission, Notification.Kind.LEASE_EXPIRED, now=now)
            released += 1
        except TransitionError:
            continue  # the mentor acted in the meantime
    return released


# --------------------------------------------------------------------------- notifications


def notify(recipient, submission: Submission, kind: str, *, actor=None, comment=None, now=None) -> Notification:
    """Record something waiting for ``recipient``; it is e-mailed with the rest of its burst."""
    now = now or timezone.now()
    notification = Notification.objects.create(
        recipient=recipient, submission=submission, actor=actor, kind=kind, comment=comment, created_at=now
    )
    forget_unread(recipient.pk)
    enqueue_later_on_commit(_tasks().send_notifications, recipient.pk, countdown=settings.CAPSTONE_NOTIFY_DELAY_SECONDS)
    return notification


def mark_read(user, submission: Submission, now=None) -> int:
    """Opening a submission settles what waited there for ``user``."""
    read = Notification.objects.filter(recipient=user, submission=submission, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
    if read:
        forget_unread(user.pk)
    return read


def forget_unread(user_id: int) -> None:
    """Drop the cached unread count (selectors.unread_count): now, and again once the change
    commits, so a page read in between cannot keep the old count."""
    from django.core.cache import cache

    from .selectors import unread_cache_key

    key = unread_cache_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def send_notifications(recipient_id: int, now: datetime | None = None) -> int:
    """E-mail ``recipient`` everything pending in one message, once the burst is over.

    Each notification enqueues this task for after the delay, so the run after the last
    one of a burst finds it quiet and sends; earlier runs find a newer one and leave the
    work to it. Idempotent: the pending rows are locked and marked in the same transaction.
    Returns how many notifications the e-mail carried.
    """
    now = now or timezone.now()
    quiet = now - timedelta(seconds=settings.CAPSTONE_NOTIFY_DELAY_SECONDS)
    overdue = now - timedelta(seconds=settings.CAPSTONE_NOTIFY_MAX_WAIT_SECONDS)
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(of=("self",))
            .filter(recipient_id=recipient_id, emailed_at__isnull=True, read_at__isnull=True)
            .select_related("recipient", "actor", "submission__brief", "comment__iteration")
            .order_by("created_at", "pk")
        )
        if not pending:
            return 0
        if pending[-1].created_at > quiet and pending[0].created_at > overdue:
            return 0
        recipient = pending[0].recipient
        ids = [n.pk for n in pending]
        if recipient.reminder_frequency != "off":
            _send_activity_email(recipient, pending, key=f"capstone-activity:{recipient_id}:{ids[-1]}")
        Notification.objects.filter(pk__in=ids).update(emailed_at=now)
    return len(pending)


def with_cell_excerpts(comments) -> None:
    """Give each comment on a cell ``cell_excerpt``: the first lines of that cell, so an e-mail
    shows the comment beside its cell. Reads each notebook once; only ever run in a worker job."""
    by_iteration: dict[int, list] = {}
    for comment in comments:
        comment.cell_excerpt = comment.cell_quote = ""
        if comment.cell:
            by_iteration.setdefault(comment.iteration_id, []).append(comment)
    for items in by_iteration.values():
        try:
            notebook = _read_notebook(items[0].iteration)
        except Exception:  # an unreadable notebook costs the excerpt, never the e-mail
            logger.warning("No cell excerpts for iteration %s", items[0].iteration_id, exc_info=True)
            continue
        for comment in items:
            comment.cell_excerpt = notebook_diff.cell_excerpt(notebook, comment.cell)
            # The plain-text e-mail quotes the cell like a reply quotes a message.
            comment.cell_quote = "\n".join(f"  | {line}" for line in comment.cell_excerpt.splitlines())


def _send_activity_email(recipient, pending: list[Notification], *, key: str) -> None:
    from dlcurriculum.mail.unsubscribe import unsubscribe_headers, unsubscribe_url

    with_cell_excerpts([n.comment for n in pending if n.comment_id])
    submissions: dict[int, dict] = {}
    for n in pending:
        entry = submissions.setdefault(
            n.submission_id,
            {
                "submission": n.submission,
                "url": settings.SITE_URL + n.submission.get_absolute_url(),
                "items": [],
            },
        )
        entry["items"].append(n)
    unsubscribe = unsubscribe_url(recipient.pk)
    send_templated(
        to=[recipient.email],
        template="capstone_activity",
        context={
            "recipient": recipient,
            "count": len(pending),
            "submissions": list(submissions.values()),
            "inbox_url": settings.SITE_URL + reverse("capstones:inbox"),
            "unsubscribe_url": unsubscribe,
        },
        headers=unsubscribe_headers(unsubscribe),
        reason="capstone activity",
        user=recipient,
        key=key,
    )


def nudge_idle_claims(now: datetime | None = None) -> int:
    """Nudge each mentor once about a claim untouched for ``CAPSTONE_CLAIM_NUDGE_DAYS``."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CAPSTONE_CLAIM_NUDGE_DAYS)
    already = Notification.objects.filter(
        submission=OuterRef("pk"), kind=Notification.Kind.IDLE_CLAIM, created_at__gte=OuterRef("claimed_at")
    )
    idle = (
        Submission.objects.filter(status=Status.IN_REVIEW, claimed_at__lt=cutoff, mentor__isnull=False)
        .exclude(Exists(already))
        .select_related("mentor")
    )
    count = 0
    for submission in idle:
        notify(submission.mentor, submission, Notification.Kind.IDLE_CLAIM, now=now)
        count += 1
    return count


def send_weekly_queue_notes(now: datetime | None = None) -> int:
    """On each mentor's reminder weekday and hour, one e-mail saying what waits in the queue."""
    from zoneinfo import ZoneInfo

    from dlcurriculum.mail.unsubscribe import unsubscribe_headers, unsubscribe_url

    from .policy import mentors

    now = now or timezone.now()
    waiting = Submission.objects.filter(status=Status.WAITING).count()
    if not waiting:
        return 0
    oldest = Submission.objects.filter(status=Status.WAITING).order_by("waiting_since").first()
    sent = 0
    for mentor in mentors().exclude(reminder_frequency="off"):
        local = now.astimezone(ZoneInfo(mentor.timezone))
        if local.weekday() != mentor.reminder_weekday or local.hour != mentor.reminder_hour:
            continue
        unsubscribe = unsubscribe_url(mentor.pk)
        send_templated(
            to=[mentor.email],
            template="capstone_queue_note",
            context={
                "mentor": mentor,
                "waiting": waiting,
                "oldest": oldest,
                "queue_url": settings.SITE_URL + reverse("capstones:queue"),
                "unsubscribe_url": unsubscribe,
            },
            headers=unsubscribe_headers(unsubscribe),
            reason="weekly review queue note",
            user=mentor,
            key=f"capstone-queue-note:{mentor.pk}:{local.date().isoformat()}",
        )
        sent += 1
    return sent


def notify_decision(review_id: int) -> bool:
    """Queue the e-mail telling the learner about a decision, once (the outbox sends and retries it)."""
    with transaction.atomic():
        review = (
            Review.objects.select_for_update(of=("self",))
            .select_related("iteration__submission__learner", "iteration__submission__brief", "mentor")
            .filter(pk=review_id, notified_at__isnull=True)
            .first()
        )
        if review is None:
            return False
        submission = review.iteration.submission
        feedback = list(
            review.iteration.comments.filter(author=review.mentor).select_related("iteration").order_by("created_at")
        )
        with_cell_excerpts(feedback)
        send_templated(
            to=[submission.learner.email],
            template="capstone_decision",
            context={
                "review": review,
                "submission": submission,
                "iteration": review.iteration,
                "learner": submission.learner,
                "mentor": review.mentor,
                "approved": review.decision == Review.Decision.APPROVED,
                "feedback": feedback,
                "url": settings.SITE_URL + review.iteration.get_absolute_url(),
            },
            reason=f"capstone decision (review {review.pk})",
            user=submission.learner,
            key=f"capstone-decision:{review.pk}",
        )
        Review.objects.filter(pk=review.pk).update(notified_at=timezone.now())
    return True


def sweep(now: datetime | None = None) -> dict:
    """Re-enqueue work no worker can be running (see dlcurriculum.leases), unsent decision e-mails,
    and release idle claims."""
    now = now or timezone.now()
    tasks = _tasks()
    counts = {}
    for name, model, task in (
        ("reports", Report, tasks.analyse_iteration),
        ("renderings", Rendering, tasks.render_iteration),
    ):
        lease = job_lease(model)
        lost = list(lease.lost(now=now).values_list("iteration_id", flat=True)[: settings.CAPSTONE_SWEEP_BATCH])
        lease.mark_enqueued(lost, now=now)
        for iteration_id in lost:
            enqueue_on_commit(task, iteration_id)
        counts[name] = len(lost)
    cutoff = now - timedelta(minutes=settings.CAPSTONE_SWEEP_AFTER_MINUTES)
    unsent = list(Review.objects.filter(notified_at__isnull=True, created_at__lt=cutoff).values_list("pk", flat=True))
    for review_id in unsent:
        enqueue_on_commit(tasks.send_decision_email, review_id)
    waiting_mail = list(
        Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True, created_at__lt=cutoff)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    for recipient_id in waiting_mail:
        enqueue_on_commit(tasks.send_notifications, recipient_id)
    return {**counts, "reviews": len(unsent), "notifications": len(waiting_mail), "released": release_idle_claims(now)}


# --------------------------------------------------------------------------- portfolio


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
