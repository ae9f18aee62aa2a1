"""Which learners have had which stage's capstone approved, and when: for the features that count
it without importing the one that keeps it (progress's pace reminders; the pages pass it to
progress themselves, see dlcurriculum.pages). Capstones registers the reader in its
``AppConfig.ready``; the curriculum knows the capstone briefs, not the submissions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

# learner ids -> {learner id: {stage id: when approved}}
Reader = Callable[[list[int]], dict[int, dict[int, datetime]]]

_reader: Reader | None = None


def register(reader: Reader) -> None:
    """Set (or, on a second ``ready``, replace) the reader of approvals."""
    global _reader  # noqa: PLW0603 - the one registry slot, set once at start-up
    _reader = reader


def approvals_for(user_ids: Iterable[int]) -> dict[int, dict[int, datetime]]:
    """Each learner's approved capstones by stage (1 query with capstones installed), every
    learner present, with no approval as an empty mapping."""
    ids = list(user_ids)
    found = _reader(ids) if _reader is not None and ids else {}
    return {uid: found.get(uid, {}) for uid in ids}
