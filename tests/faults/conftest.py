"""The fault suite's fixtures: the app as its container runs it, and proxies the tests control.

- ``gunicorn`` (servers.py): the app under gunicorn.conf.py (3 workers, as the Dockerfile), DEBUG off,
  on the test database.
- ``redis_proxy``, ``postgres_proxy`` (proxy.py): a TCP proxy in front of a real server (Redis, PostgreSQL)
  that can pass traffic, partition (cut every connection, refuse new ones), or hang (accept, and never answer).
- ``celery_processes``: a real Celery worker and beat (the catch-up scheduler) as subprocesses.
- ``smtp`` (smtp_server.py): a real SMTP server (aiosmtpd) that accepts, refuses with 550, answers slowly, or is down.

Figures (errors, delays, duplicates) go to ``FAULTS_RESULTS`` when set (benchmarks/faults/run.py).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from django.db import connection

from tests.production_env import production_env

from .proxy import FaultProxy
from .servers import Gunicorn, start_gunicorn, stop_gunicorn
from .smtp_server import Smtp

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.faults)


@pytest.fixture
def record_figures(request):
    """Write this test's figures for the RESULTS file (no-op unless FAULTS_RESULTS names a file)."""

    def record(**figures):
        path = os.environ.get("FAULTS_RESULTS")
        if not path:
            return
        with Path(path).open("a", encoding="utf-8") as out:
            out.write(json.dumps({"test": request.node.name, **figures}) + "\n")

    return record


def broker_url() -> str:
    """The Redis database the suite may flush and run workers on (CELERY_TEST_REDIS_URL, as the worker tests)."""
    return os.environ.get("CELERY_TEST_REDIS_URL") or os.environ["REDIS_URL"]


@pytest.fixture
def redis_proxy():
    import redis

    real = urllib.parse.urlparse(broker_url())
    proxy = FaultProxy((real.hostname, real.port or 6379))
    proxy.db = int(real.path.strip("/") or 0)
    proxy.url = f"redis://{proxy.address}/{proxy.db}"
    redis.Redis.from_url(broker_url()).flushdb()
    yield proxy
    proxy.close()


@pytest.fixture
def postgres_proxy(transactional_db):
    s = connection.settings_dict
    proxy = FaultProxy((s["HOST"] or "127.0.0.1", int(s["PORT"] or 5432)))
    proxy.database_url = f"postgres://{s['USER']}@{proxy.address}/{s['NAME']}"
    yield proxy
    proxy.close()


def shared_database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


# --- The app under gunicorn ----------------------------------------------------------------


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    env = production_env(STATIC_ROOT=str(root))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    return root


@pytest.fixture
def gunicorn(transactional_db, curriculum, static_root, tmp_path):
    """``start(**env)`` runs the app as the container does; ``restart(server)`` replaces it (a deploy)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    servers: list[Gunicorn] = []

    def start(**extra_env) -> Gunicorn:
        env = {
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": shared_database_url(),
            "STATIC_ROOT": str(static_root),
            **extra_env,
        }
        server = start_gunicorn(tmp_path, **env)
        servers.append(server)
        return server

    def restart(server: Gunicorn) -> Gunicorn:
        stop_gunicorn(server)
        extra = {k: v for k, v in server.env.items() if os.environ.get(k) != v}
        extra.pop("GUNICORN_BIND", None)
        return start(**extra)

    start.restart = restart
    start.stop = stop_gunicorn
    yield start
    for server in servers:
        stop_gunicorn(server)


# --- Celery worker and beat -------------------------------------------------------------------


@pytest.fixture
def celery_processes(transactional_db, tmp_path):
    """``start(broker_url, **env)`` runs a worker with an embedded catch-up beat, as the compose stack does."""
    processes: list[subprocess.Popen] = []

    def start(broker_url: str, **extra_env) -> subprocess.Popen:
        env = {
            **os.environ,
            "DATABASE_URL": shared_database_url(),
            "REDIS_URL": broker_url,
            **extra_env,
        }
        log = tmp_path / f"celery-{len(processes)}.log"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "dlcurriculum",
                "worker",
                "--beat",
                "--schedule",
                str(tmp_path / "beat-schedule"),
                "-P",
                "solo",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        process.log = log
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


# --- SMTP -----------------------------------------------------------------------------------------


@pytest.fixture
def smtp():
    server = Smtp()
    yield server
    server.down()


def wait_for(condition, seconds: float, every: float = 0.25):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    return condition()


@pytest.fixture(autouse=True)
def _needs_redis():
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL (a real Redis server)")
