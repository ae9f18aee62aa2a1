"""Limits on how many things a person (or a conversation) takes in a while, counted from the rows
themselves: exact, the same on every web process, and holding while Redis is down, unlike a cache
counter. Callers count inside the lock of what is being written to, so concurrent posts are counted one
after the other, and raise their own error with the refusal this returns.

One mechanism for every such limit (capstone conversations, study-group messages, peer reviews...):
each caller states what it counts; the window, the order of the checks and the wording live here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class WindowLimit:
    most: int
    count_since: Callable[[datetime], int]  # rows written at or after the given moment
    refusal: str  # may use {most} and {minutes}; says the text is kept, where it is


def first_refusal(limits: Iterable[WindowLimit], *, window_seconds: int, now: datetime) -> str | None:
    """The refusal of the first limit reached, or None. Counts lazily: a limit after a reached one is
    not counted (one query per limit checked)."""
    since = now - timedelta(seconds=window_seconds)
    minutes = max(1, round(window_seconds / 60))
    for limit in limits:
        if limit.count_since(since) >= limit.most:
            return limit.refusal.format(most=limit.most, minutes=minutes)
    return None
