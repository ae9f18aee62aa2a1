"""Each kind of job has its own queue: a long link check in progress delays neither a notebook analysis nor an e-mail.

Three real worker processes (one per queue, one process each) on the real Redis and PostgreSQL.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import redis
from django.db import connection

from capstones import services
from capstones.models import Report, Review
from dlcurriculum.celery_app import app, queue_of
from stages.models import LinkCheck
from tests import factories
from tests.capstones.notebook_builders import as_bytes, good_notebook
from tests.compose import compose_services
from tests.smtp import smtp_server  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parent.parent


class HangingSite:
    """A local site that holds every request until released."""

    def __init__(self):
        self.arrived = threading.Event()
        self.release = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                owner.arrived.set()
                owner.release.wait(120)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/long-read"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.release.set()
        self.server.shutdown()


def _broker_url() -> str:
    """A Redis database of its own: the test empties it first."""
    if os.environ.get("CELERY_TEST_REDIS_URL"):
        return os.environ["CELERY_TEST_REDIS_URL"]
    return os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/13"


def _start_worker(queue: str, broker: str, media_root: Path, smtp_port: int) -> subprocess.Popen:
    s = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}",
        "REDIS_URL": broker,
        "MEDIA_ROOT": str(media_root),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "LINKCHECK_ALLOW_PRIVATE_ADDRESSES": "true",
        "LINKCHECK_PER_HOST_INTERVAL": "0",
        "LINKCHECK_READ_TIMEOUT": "150",
        "LINKCHECK_TOTAL_TIMEOUT": "150",
    }
    command = [sys.executable, "-m", "celery", "-A", "dlcurriculum", "worker", "-Q", queue, "-c", "1"]
    command += ["-n", f"{queue}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "warning"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_each_kind_of_job_is_routed_to_its_own_queue():
    assert queue_of("stages.tasks.check_links") == "linkcheck"
    assert queue_of("capstones.tasks.analyse_iteration") == "notebooks"
    assert queue_of("capstones.tasks.send_decision_email") == "email"
    assert queue_of("mail.send_reminders") == "email"
    assert queue_of("housekeeping.prune_expired") == "housekeeping"
    assert queue_of("capstones.tasks.sweep") == "housekeeping"
    assert queue_of("capstones.tasks.send_notifications") == "email"
    assert queue_of("capstones.tasks.nudge_mentors") == "housekeeping"


def test_every_task_that_talks_to_the_mail_server_is_on_the_email_queue():
    # The outbox sends every e-mail (decisions, notifications, allauth's) and retries what is due.
    assert queue_of("mail.deliver") == "email"
    assert queue_of("mail.deliver_due") == "email"


def test_compose_serves_every_queue_by_exactly_one_worker_service(settings):
    served = []
    for service in compose_services().values():
        command = str(service.get("command", ""))
        if " worker " in command:
            served += command.split(" -Q ", 1)[1].split()[0].split(",")
    assert sorted(served) == sorted(settings.JOB_QUEUES)


def test_compose_runs_beat_exactly_once():
    services = compose_services()
    beats = [name for name, s in services.items() if " beat " in str(s.get("command", ""))]
    assert beats == ["beat"]
    assert services["beat"]["deploy"]["replicas"] == 1


def test_no_job_outlives_the_brokers_visibility_timeout(settings):
    longest = max(limits["time_limit"] for limits in settings.JOB_QUEUES.values())
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > longest


def test_each_task_gets_the_time_limits_of_its_queue(settings):
    app.loader.import_default_modules()
    for name in ("stages.tasks.check_links", "capstones.tasks.analyse_iteration", "mail.send_reminders"):
        limits = settings.JOB_QUEUES[queue_of(name)]
        assert (app.tasks[name].soft_time_limit, app.tasks[name].time_limit) == (
            limits["soft_time_limit"],
            limits["time_limit"],
        )


def test_a_task_keeps_its_own_time_limits_where_they_are_tighter_than_its_queues(settings):
    from dlcurriculum.mail.tasks import _DELIVER_LIMIT  # one e-mail: bounded by the SMTP timeout

    app.loader.import_default_modules()
    queue = settings.JOB_QUEUES["email"]
    assert queue["time_limit"] > _DELIVER_LIMIT + 10
    task = app.tasks["mail.deliver"]
    assert (task.soft_time_limit, task.time_limit) == (_DELIVER_LIMIT, _DELIVER_LIMIT + 10)


def test_a_task_with_looser_limits_of_its_own_gets_its_queues(settings):
    app.loader.import_default_modules()
    queue = settings.JOB_QUEUES["email"]
    assert queue["soft_time_limit"] < settings.EMAIL_OUTBOX_SWEEP_LIMIT_SECONDS  # mail.deliver_due's own
    task = app.tasks["mail.deliver_due"]
    assert (task.soft_time_limit, task.time_limit) == (queue["soft_time_limit"], queue["time_limit"])


def test_every_task_can_stop_cleanly_before_it_is_killed():
    app.loader.import_default_modules()
    ours = [task for name, task in app.tasks.items() if not name.startswith("celery.")]
    assert ours
    for task in ours:
        assert task.soft_time_limit < task.time_limit, task.name


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_long_link_check_in_progress_delays_neither_a_notebook_analysis_nor_an_email(
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
    smtp_server,  # noqa: F811 - the fixture imported above
):
    if connection.vendor != "postgresql":
        pytest.skip("the worker processes need the shared PostgreSQL test database")
    settings.MEDIA_ROOT = tmp_path
    site = HangingSite()
    resource = factories.ResourceFactory(url=site.url)
    brief = factories.CapstoneBriefFactory()
    with django_capture_on_commit_callbacks(execute=False):  # enqueued by hand below, on the test broker
        iteration = services.submit_iteration(
            learner=factories.UserFactory(),
            brief=brief,
            title="Digits",
            idea=None,
            own_problem="Digits",
            repository_url="",
            write_up="A CNN.",
            notebook_bytes=as_bytes(good_notebook()),
            filename="digits.ipynb",
        )
    review = Review.objects.create(
        iteration=iteration, mentor=factories.MentorFactory(), decision=Review.Decision.APPROVED
    )
    broker = _broker_url()
    redis.Redis.from_url(broker).flushdb()
    workers = [
        _start_worker(queue, broker, tmp_path, settings.EMAIL_PORT) for queue in ("linkcheck", "notebooks", "email")
    ]
    try:
        with app.connection_for_write(broker) as conn:
            app.tasks["stages.tasks.check_links"].apply_async(args=[[resource.pk]], connection=conn)
            assert site.arrived.wait(90), "the link check never started"
            app.tasks["capstones.tasks.analyse_iteration"].apply_async(args=[iteration.pk], connection=conn)
            app.tasks["capstones.tasks.send_decision_email"].apply_async(args=[review.pk], connection=conn)

        analysed = _wait_for(lambda: Report.objects.get(iteration=iteration).status == Report.Status.DONE, seconds=90)
        # Delivered: the decision e-mail reached the mail server, through the outbox's delivery task.
        mailed = _wait_for(lambda: review.iteration.submission.learner.email in smtp_server.recipients(), seconds=90)
        link_check_still_running = not LinkCheck.objects.filter(resource=resource).exists()
        site.release.set()
        assert _wait_for(lambda: LinkCheck.objects.filter(resource=resource).exists(), seconds=60)
    finally:
        for worker in workers:
            _stop(worker)
        site.close()

    assert analysed, "the notebook analysis waited"
    assert mailed, "the e-mail waited"
    assert link_check_still_running


@pytest.mark.parametrize(("queues", "prefetch"), [(["email"], 4), ("email,housekeeping", 1), (["notebooks"], 1)])
def test_a_worker_takes_ahead_what_its_most_careful_queue_allows(queues, prefetch):
    from types import SimpleNamespace

    from dlcurriculum.celery_app import _prefetch_for_the_queues_served

    conf = SimpleNamespace(worker_prefetch_multiplier=None)
    _prefetch_for_the_queues_served(conf=conf, options={"queues": queues})
    assert conf.worker_prefetch_multiplier == prefetch
