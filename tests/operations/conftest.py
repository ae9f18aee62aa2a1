"""The operations suite: the app under gunicorn and a real prefork Celery worker, as the compose stack runs them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.faults.conftest import gunicorn, shared_database_url, smtp, static_root, wait_for  # noqa: F401 - shared fixtures
from tests.faults.ports import free_port
from tests.production_env import production_env
from tests.test_shared_storage import s3_server, s3_storage  # noqa: F401 - the real local S3 server (moto)

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "operations-test-metrics-token"


def broker_url() -> str:
    """A Redis database of its own for the worker (CELERY_TEST_REDIS_URL, as the fault and worker tests)."""
    url = os.environ.get("CELERY_TEST_REDIS_URL") or os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs REDIS_URL (a real Redis server)")
    return url


@pytest.fixture
def clean_broker():
    import redis

    url = broker_url()
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


def scrape(url: str, token: str | None = TOKEN) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""  # not listening (yet)


class Worker:
    def __init__(self, process: subprocess.Popen, log: Path, metrics_url: str):
        self.process, self.log, self.metrics_url = process, log, metrics_url

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """``start(broker, **env)``: `celery worker` with a prefork pool of 2, serving its metrics on a port of its own."""
    workers: list[Worker] = []

    def start(broker: str, **extra_env) -> Worker:
        port = free_port()
        env = production_env(
            DATABASE_URL=shared_database_url(),
            REDIS_URL=broker,
            METRICS_TOKEN=TOKEN,
            WORKER_METRICS_PORT=str(port),
            WORKER_METRICS_ADDRESS="127.0.0.1",
            **extra_env,
        )
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        log = tmp_path / f"worker-{port}.log"
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "dlcurriculum", "worker", "--concurrency=2", "-P", "prefork"),
                *("--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "info"),
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        worker = Worker(process, log, f"http://127.0.0.1:{port}/metrics")
        workers.append(worker)
        started = wait_for(lambda: process.poll() is not None or scrape(worker.metrics_url)[0] == 200, 60)
        assert started, worker.output()
        assert process.poll() is None, worker.output()
        return worker

    yield start
    for worker in workers:
        if worker.process.poll() is None:
            os.killpg(worker.process.pid, signal.SIGTERM)
            try:
                worker.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.process.pid, signal.SIGKILL)
                worker.process.wait()
