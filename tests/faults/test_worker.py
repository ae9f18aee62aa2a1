"""A Celery worker killed in the middle of a task does not lose it, and the retry does not duplicate its effects."""

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

from stages.models import LinkCheck, LinkStatus
from tests.factories import ResourceFactory

from .conftest import broker_url, shared_database_url

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT = 2

pytestmark = [pytest.mark.redis, pytest.mark.faults, pytest.mark.django_db(transaction=True)]


class FirstRequestHangs:
    """A local site whose first request hangs until released; later ones answer at once."""

    def __init__(self):
        self.requests = 0
        self.first_request_arrived = threading.Event()
        self.release = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, body: bool):
                owner.requests += 1
                if owner.requests == 1:
                    owner.first_request_arrived.set()
                    owner.release.wait(60)
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", "2")
                self.end_headers()
                if body:
                    self.wfile.write(b"ok")

            def do_HEAD(self):
                self._answer(body=False)

            def do_GET(self):
                self._answer(body=True)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/paper.pdf"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.release.set()
        self.server.shutdown()


def _start_worker(broker: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": shared_database_url(),
        "REDIS_URL": broker,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "LINKCHECK_ALLOW_PRIVATE_ADDRESSES": "true",
        "LINKCHECK_READ_TIMEOUT": "90",
        "LINKCHECK_TOTAL_TIMEOUT": "90",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "dlcurriculum",
            "worker",
            "-P",
            "prefork",
            "-c",
            "1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def test_a_task_whose_worker_is_killed_mid_run_is_redelivered_and_recorded_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs the shared PostgreSQL test database")
    site = FirstRequestHangs()
    resource = ResourceFactory(url=site.url)
    broker = broker_url()
    redis.Redis.from_url(broker).flushdb()
    from celery import current_app

    from stages.tasks import check_links

    first = _start_worker(broker)
    second = None
    try:
        with current_app.connection_for_write(broker) as conn:
            check_links.apply_async(args=[[resource.pk]], connection=conn)
        assert site.first_request_arrived.wait(60), "the worker never started the task"
        _kill(first)  # SIGKILL in the middle of the check: no chance to acknowledge or clean up
        site.release.set()
        assert not LinkCheck.objects.filter(resource=resource).exists()

        time.sleep(VISIBILITY_TIMEOUT + 1)
        second = _start_worker(broker)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not LinkCheck.objects.filter(resource=resource).exists():
            time.sleep(0.5)
        time.sleep(VISIBILITY_TIMEOUT + 2)  # a second delivery, if any, would land by now
    finally:
        for process in (first, second):
            if process is not None:
                _kill(process)
        site.close()

    assert site.requests >= 2, "the task was not run again after the worker died"
    assert LinkCheck.objects.filter(resource=resource).count() == 1
    assert LinkStatus.objects.get(resource=resource).status == "ok"
