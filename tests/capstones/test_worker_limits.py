"""A notebook job that runs past its soft time limit in a real prefork worker is stored as "too
large" at once, not retried. The stored notebook is replaced by a named pipe nobody writes to, so
reading it blocks the way a pathological notebook would keep a worker busy."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from capstones import services
from capstones.models import Report, Submission

from .notebook_builders import as_bytes, good_notebook

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _broker_url() -> str:
    base = os.environ.get("CELERY_TEST_REDIS_URL") or os.environ["REDIS_URL"]
    return base.rsplit("/", 1)[0] + "/12"


def _start_worker(broker: str, media_root) -> subprocess.Popen:
    s = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}",
        "REDIS_URL": broker,
        "MEDIA_ROOT": str(media_root),
    }
    command = [sys.executable, "-m", "celery", "-A", "dlcurriculum", "worker", "-P", "prefork", "-c", "1"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "warning"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def test_a_job_past_its_soft_time_limit_is_stored_as_too_large_not_retried(learner, brief, settings, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs the shared PostgreSQL test database")
    monkeypatch.setattr(services.submitting, "enqueue_on_commit", lambda task, *args: None)
    iteration = services.submit_iteration(
        learner=learner,
        brief=brief,
        title="T",
        idea=brief.ideas.first(),
        own_problem="",
        repository_url="",
        write_up="w",
        notebook_bytes=as_bytes(good_notebook()),
        filename="n.ipynb",
    )
    path = Path(settings.MEDIA_ROOT) / iteration.notebook.name
    path.unlink()
    os.mkfifo(path)

    broker = _broker_url()
    redis.Redis.from_url(broker).flushdb()
    # The project's own app, whatever app another test left current.
    from dlcurriculum.celery_app import app

    worker = _start_worker(broker, settings.MEDIA_ROOT)
    try:
        # Messages sent before the worker has bound its queue on the (flushed) broker would be dropped.
        client, started = redis.Redis.from_url(broker), time.monotonic()
        while not client.exists("_kombu.binding.celery") and time.monotonic() - started < 180:
            time.sleep(0.5)
        with app.connection_for_write(broker) as conn:
            # The limits travel with the message (the sender's task options): short ones for the test.
            app.send_task(
                "capstones.tasks.analyse_iteration",
                args=[iteration.pk],
                connection=conn,
                soft_time_limit=2,
                time_limit=6,
            )
        deadline = time.monotonic() + 180  # a busy machine starts a worker slowly
        while time.monotonic() < deadline and Report.objects.get(iteration=iteration).status == Report.Status.PENDING:
            time.sleep(0.5)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)

    report = Report.objects.get(iteration=iteration)
    assert (report.status, report.error, report.attempts) == ("failed", services.TOO_LARGE_TO_CHECK, 1)
    # The check could not run, so a mentor looks at it by hand.
    assert Submission.objects.get(pk=iteration.submission_id).status == Submission.Status.WAITING
