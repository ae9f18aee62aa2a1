"""A per-learner change stamp: one number on the user's row, one more after every write that
changes what the learner's own pages show (their progress, pace plan and pauses, completion
record, capstone submissions).

The signed-in user is loaded on every request anyway, so the stamp comes at no query: a page
cached under it (the dashboard) is valid for exactly as long as the stamp stays. The stamp is
bumped in the writer's transaction, with an UPDATE of the row (``User.save()`` never writes it,
so a profile form cannot set it back): a reader that sees the new data sees the new stamp, or an
older stamp with newer data, never the other way round.

One way to move it: a service that writes what a learner sees runs under :func:`atomic` (in
place of ``transaction.atomic``) and calls ``note_change(learner_id)`` for each learner it
touches; the stamps move once, in one UPDATE, when the outermost such block ends. So one user
action is one UPDATE however many rows, models or nested services it writes (an upload that
creates a submission, an iteration and its report, then a transition; a check that finishes
and moves the submission on), and the UPDATE is the block's last statement inside the
transaction, never after it: not ``on_commit``, which would leave the stamp behind if the
process died between the commit and the bump, so a dashboard cached before the write would be
shown for good. A block that raises rolls its writes back and bumps nothing. Staff editing rows
in the Django admin go through the same two calls (``changes_admin.StaffEditsMoveTheStamp``);
there are no model signals, so a test that writes rows itself says when it wants the bump
(``note_change``, or the factories' ``moves_stamp=True``).

Why a collecting block rather than one explicit call at the end of each service: the services
nest (an upload calls the state machine's transition, the finished check calls it too, the
admin's save calls assign), and each of them is also called on its own, so "the last one calls
it" has no fixed place; with the block every writer just notes whom it touched, and the
outermost one moves the stamp.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.db import transaction
from django.db.models import F

from .models import User

# The learners noted inside the innermost open block; None outside any block.
_noted: ContextVar[set[int] | None] = ContextVar("learners_noted", default=None)


def note_change(*user_ids: int | None) -> None:
    """The learners whose own pages this write changes (None: nobody). Inside :func:`atomic`
    they are remembered and their stamps move when the outermost block ends; outside one, now
    (1 query)."""
    ids = {user_id for user_id in user_ids if user_id is not None}
    if not ids:
        return
    noted = _noted.get()
    if noted is None:
        _bump(ids)
    else:
        noted.update(ids)


def _bump(ids: set[int]) -> None:
    """One more on each stamp, in one UPDATE (in id order: two writers never wait on each other's
    rows in opposite orders)."""
    users = User.objects.filter(pk=next(iter(ids))) if len(ids) == 1 else User.objects.filter(pk__in=sorted(ids))
    users.update(changes=F("changes") + 1)


@contextmanager
def _block() -> Iterator[None]:
    with transaction.atomic():
        outer = _noted.get()
        noted: set[int] = set()
        token = _noted.set(noted)
        try:
            yield
        finally:
            _noted.reset(token)
        # Reached only when the block succeeded; a block that raised was rolled back (its
        # savepoint at least), so whom it noted is forgotten.
        if outer is not None:
            outer.update(noted)
        elif noted:
            _bump(noted)  # still inside the transaction: committed with the writes, or not at all


def atomic(func: Callable | None = None):
    """``transaction.atomic`` for writes learners see, as a decorator or a context manager (like
    ``transaction.atomic``, with or without parentheses): the stamps of the learners noted
    inside move once, at the end of the outermost block, inside its transaction."""
    if func is None:
        return _block()

    @wraps(func)
    def wrapper(*args, **kwargs):
        with _block():
            return func(*args, **kwargs)

    return wrapper
