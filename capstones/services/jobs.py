"""The background jobs on an iteration: the automatic check, the rendering (with the diff against the
previous iteration), and the sweep that re-enqueues lost work."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from capstones import notebooks
from capstones.frameworks import brief_rules
from capstones.models import Iteration, Notification, Rendering, Report, Review, Submission
from capstones.notebooks import diff as notebook_diff
from dlcurriculum.leases import Lease
from dlcurriculum.tasks import enqueue_on_commit
from dlcurriculum.users import changes as learner_changes

from .common import capstone_tasks, read_notebook
from .review import Action, TransitionError, release_idle_claims, transition

logger = logging.getLogger(__name__)

Status = Submission.Status


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
        notebook = read_notebook(iteration)
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
    with learner_changes.atomic():
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
    learner_changes.note_change(submission.learner_id)  # the learner's dashboard shows the verdict
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
        notebook = read_notebook(iteration)
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
        diff = notebook_diff.diff_notebooks(read_notebook(previous), notebook)
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


def sweep(now: datetime | None = None) -> dict:
    """Re-enqueue work no worker can be running (see dlcurriculum.leases), unsent decision e-mails,
    and release idle claims."""
    now = now or timezone.now()
    tasks = capstone_tasks()
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
