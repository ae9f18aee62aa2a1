"""A batch of the reminder pass reads what is due, not every reminder ever sent (PostgreSQL's plan)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from progress.models import Reminder
from progress.reminders.selectors import reminder_candidates

from .conftest import NOW

requires_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="what PostgreSQL's planner reads is what is tested: PostgreSQL only"
)


def pages_read_by_a_batchs_selection() -> int:
    """Shared buffers (8 KiB pages) the candidates query touches, from its executed plan."""
    with CaptureQueriesContext(connection) as captured:
        reminder_candidates(after_id=0, limit=500, now=NOW)
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner sees the table as it is now, as autovacuum would tell it
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {query['sql']}")
        (explained,) = cursor.fetchone()
    (plan,) = json.loads(explained) if isinstance(explained, str) else explained
    return plan["Plan"]["Shared Hit Blocks"] + plan["Plan"]["Shared Read Blocks"]


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_batchs_selection_reads_as_many_pages_after_thirty_thousand_reminders_were_sent(make_learner):
    learners = [make_learner() for _ in range(30)]
    before = pages_read_by_a_batchs_selection()

    Reminder.objects.bulk_create(
        Reminder(user=learner, period=f"weekly:{week}", status=Reminder.Status.SENT, sent_at=NOW)
        for week in range(1000)
        for learner in learners
    )
    after = pages_read_by_a_batchs_selection()

    # 30,000 sent rows fill a few hundred pages; looking for due retries must not visit them.
    assert after <= before + 5, (before, after)
