"""A learner submits an iteration or asks for a human review after a failed check."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db.models import Max
from django.utils import timezone

from capstones.models import Iteration, Rendering, Report, Submission
from dlcurriculum.tasks import enqueue_on_commit
from dlcurriculum.users import changes
from stages.models import CapstoneBrief, ProjectIdea

from .common import capstone_tasks
from .review import Action, TransitionError, transition

Status = Submission.Status


@changes.atomic
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
    changes.note_change(learner.pk)  # the dashboard shows the submission and its latest iteration
    enqueue_on_commit(capstone_tasks().analyse_iteration, iteration.pk)
    enqueue_on_commit(capstone_tasks().render_iteration, iteration.pk)
    return iteration


@changes.atomic
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
