"""Two reminder runs at the same time on PostgreSQL send each learner one e-mail."""

import threading

import pytest
from django.db import connection, connections

from dlcurriculum.mail.models import Reminder
from dlcurriculum.mail.reminders import run_reminder_pass

from .conftest import NOW

requires_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locking between connections is what is tested: PostgreSQL only"
)


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_one_email_per_learner(small_curriculum, make_learner, smtp_server):
    learners = [make_learner() for _ in range(40)]
    runs = 4
    start = threading.Barrier(runs)
    errors = []

    def run():
        try:
            start.wait()
            # Small batches so the runs interleave claim by claim.
            run_reminder_pass(now=NOW, batch_size=5)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    assert sorted(smtp_server.recipients()) == sorted(u.email for u in learners)
    assert Reminder.objects.filter(status="sent").count() == 40
