"""Exact SQL query counts, in the style of Zulip's ``assert_database_query_count``.

An exact count (not a maximum) so that a page that gets cheaper is noticed as
well as one that gets dearer: the test then states the new number. On a
mismatch the failure lists every captured statement, which is what one needs
to find the extra (or missing) query.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext


@contextmanager
def assert_database_query_count(count: int, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[list[dict]]:
    """Fail unless the block runs exactly ``count`` queries; yields the captured queries (filled on exit)."""
    captured: list[dict] = []
    with CaptureQueriesContext(connections[using]) as context:
        yield captured
    captured.extend(context.captured_queries)
    if len(captured) != count:
        listing = "\n".join(f"{n:>3}. {query['sql']}" for n, query in enumerate(captured, start=1))
        pytest.fail(f"{len(captured)} queries ran, expected {count}:\n{listing}", pytrace=False)


# How a learner's change stamp moves (dlcurriculum.users.changes), on SQLite and PostgreSQL alike.
STAMP_UPDATE = 'UPDATE "users_user" SET "changes"'


def stamp_updates(captured: list[dict]) -> int:
    """How many of the captured statements move a learner's change stamp: one per user action."""
    return sum(query["sql"].startswith(STAMP_UPDATE) for query in captured)
