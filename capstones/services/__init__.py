"""Writes for capstones, one module per job; callers use this package's names.

- ``review``: the state machine (every change of a submission's status goes through
  :func:`transition`) and the moves on it: claim, assign, release, decide, comment.
- ``submitting``: a learner's iteration and their request for a human review.
- ``jobs``: the automatic check, the rendering and its diff, the sweep of lost work.
- ``notifications``: batched e-mails both ways, the decision e-mail, unread counts, mentors' nudges.
- ``scoring``: a review's rubric scores (every criterion scored, kept with the iteration).
- ``portfolio``: the public portfolio.
"""

from .common import TransitionError
from .jobs import (
    TOO_LARGE_TO_CHECK,
    TOO_LARGE_TO_SHOW,
    finish_analysis,
    finish_rendering,
    job_lease,
    run_analysis,
    run_rendering,
    sweep,
)
from .limits import MessageRateLimitError
from .notifications import (
    close_group_notices,
    forget_unread,
    mark_read,
    mark_seen,
    notify,
    notify_decision,
    notify_mentors,
    nudge_idle_claims,
    send_due_notifications,
    send_notifications,
    send_weekly_queue_notes,
    with_cell_excerpts,
)
from .portfolio import HandleTakenError, portfolio_for, set_description, set_submission_public, update_portfolio
from .review import (
    REFUSALS,
    TRANSITIONS,
    Action,
    add_comment,
    assign,
    claim,
    decide,
    reassign,
    release,
    release_idle_claims,
    transition,
)
from .scoring import RubricIncompleteError, Score
from .submitting import ask_for_review, submit_iteration

__all__ = [
    "REFUSALS",
    "TOO_LARGE_TO_CHECK",
    "TOO_LARGE_TO_SHOW",
    "TRANSITIONS",
    "Action",
    "HandleTakenError",
    "MessageRateLimitError",
    "RubricIncompleteError",
    "Score",
    "TransitionError",
    "add_comment",
    "ask_for_review",
    "assign",
    "claim",
    "close_group_notices",
    "decide",
    "finish_analysis",
    "finish_rendering",
    "forget_unread",
    "job_lease",
    "mark_read",
    "mark_seen",
    "notify",
    "notify_decision",
    "notify_mentors",
    "nudge_idle_claims",
    "portfolio_for",
    "reassign",
    "release",
    "release_idle_claims",
    "run_analysis",
    "run_rendering",
    "send_due_notifications",
    "send_notifications",
    "send_weekly_queue_notes",
    "set_description",
    "set_submission_public",
    "submit_iteration",
    "sweep",
    "transition",
    "update_portfolio",
    "with_cell_excerpts",
]
