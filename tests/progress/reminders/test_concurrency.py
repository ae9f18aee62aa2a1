"""Two reminder runs at the same time on PostgreSQL send each learner one e-mail."""

from functools import partial

import pytest
from django.db import connection

from progress.models import Reminder
from progress.reminders.sending import run_reminder_pass
from tests.concurrency import run_at_once

from .conftest import NOW

requires_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locking between connections is what is tested: PostgreSQL only"
)


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_one_email_per_learner(small_curriculum, make_learner, smtp_server):
    learners = [make_learner() for _ in range(40)]
    # Four runs at once, in small batches so that they interleave claim by claim.
    errors = [e for e in run_at_once(partial(run_reminder_pass, now=NOW, batch_size=5), [()] * 4) if e]
    assert errors == []
    assert sorted(smtp_server.recipients()) == sorted(u.email for u in learners)
    assert Reminder.objects.filter(status="sent").count() == 40
