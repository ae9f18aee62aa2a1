"""The fault suite's parts: the app as its container runs it, and proxies the tests control.

- ``gunicorn``: the app under gunicorn.conf.py (3 workers, as the Dockerfile), DEBUG off, on the test database.
- ``FaultProxy``: a TCP proxy in front of a real server (Redis, PostgreSQL) that can pass traffic,
  partition (cut every connection, refuse new ones), or hang (accept, and never answer).
- ``celery_processes``: a real Celery worker and beat (the catch-up scheduler) as subprocesses.
- ``smtp``: a real SMTP server (aiosmtpd) that accepts, refuses with 550, answers slowly, or is down.

Figures (errors, delays, duplicates) go to ``FAULTS_RESULTS`` when set (benchmarks/faults/run.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from tests.production_env import production_env

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


# --- A TCP proxy with faults -----------------------------------------------------------


class FaultProxy:
    """Forwards 127.0.0.1:<port> to ``target``; ``partition()``, ``hang()`` and ``heal()`` change that."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self.mode = "pass"
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._server: socket.socket | None = None
        self._listen()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _listen(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(128)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def _close_all(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def partition(self) -> None:
        """Unreachable but alive: every connection cut, new ones refused."""
        self.mode = "partition"
        if self._server is not None:
            with contextlib.suppress(OSError):
                self._server.shutdown(socket.SHUT_RDWR)
            self._server.close()
            self._server = None
        self._close_all()

    def hang(self) -> None:
        """Open connections stop answering; new ones are accepted and never answered."""
        self.mode = "hang"

    def heal(self) -> None:
        was = self.mode
        self.mode = "pass"
        if was == "hang":
            self._close_all()  # what was sent meanwhile is lost, as with a real hang
        if self._server is None:
            self._listen()

    def close(self) -> None:
        self.partition()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            if server is not self._server:  # partitioned meanwhile: a closed listener may still accept once
                client.close()
                server.close()
                return
            with self._lock:
                self._sockets.append(client)
            if self.mode == "hang":
                continue  # accepted, never answered
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                while self.mode == "hang":
                    time.sleep(0.05)  # hold it: the other side waits for an answer that never comes
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)


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


@dataclass
class Gunicorn:
    base: str
    process: subprocess.Popen
    env: dict
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def gunicorn(transactional_db, curriculum, static_root, tmp_path):  # noqa: C901 - start/restart/stop of one fixture
    """``start(**env)`` runs the app as the container does; ``restart(server)`` replaces it (a deploy)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    servers: list[Gunicorn] = []

    def start(**extra_env) -> Gunicorn:
        port = free_port()
        env = production_env(
            ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=shared_database_url(),
            STATIC_ROOT=str(static_root),
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS="3",
        )
        env.update(extra_env)
        log = tmp_path / f"gunicorn-{port}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "dlcurriculum.wsgi:application", "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server = Gunicorn(f"http://127.0.0.1:{port}", process, env, log)
        servers.append(server)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"gunicorn exited: {server.output()}")
            try:
                Client(server.base).get("/healthz")
                return server
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start")

    def stop(server: Gunicorn) -> None:
        if server.process.poll() is None:
            os.killpg(server.process.pid, signal.SIGTERM)
            try:
                server.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.process.pid, signal.SIGKILL)
                server.process.wait()

    def restart(server: Gunicorn) -> Gunicorn:
        stop(server)
        extra = {k: v for k, v in server.env.items() if os.environ.get(k) != v}
        extra.pop("GUNICORN_BIND", None)
        return start(**extra)

    start.restart = restart
    start.stop = stop
    yield start
    for server in servers:
        stop(server)


class Client:
    """A browser behind the production TLS proxy: cookies kept, no redirects followed, any status returned."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None, timeout: float = 30):
        import http.client

        url = urllib.parse.urlsplit(self.base + path)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
        headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = "https://127.0.0.1" + path
            headers["Origin"] = "https://127.0.0.1"
        try:
            conn.request(method, url.path + (f"?{url.query}" if url.query else ""), body=body, headers=headers)
            response = conn.getresponse()
            content = response.read().decode(errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                value = rest.split(";", 1)[0]
                if "expires=Thu, 01 Jan 1970" in header or "Max-Age=0" in header:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
            return response.status, response.headers, content
        finally:
            conn.close()

    def get(self, path: str, timeout: float = 30):
        return self.request("GET", path, timeout=timeout)

    def post_form(self, path: str, data: dict):
        _, _, html = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        return self.request("POST", path, {**data, "csrfmiddlewaretoken": token})

    def signed_in(self) -> bool:
        status, headers, _ = self.get("/me/")
        if status == 200:
            return True
        assert status == 302, status
        assert "/accounts/login/" in headers["Location"], status
        return False


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


@dataclass
class Smtp:
    """A real SMTP server: ``refuse`` answers RCPT with it; ``delay`` holds the answer to DATA."""

    port: int = field(default_factory=free_port)
    refuse: str | None = None
    delay: float = 0.0
    received: list = field(default_factory=list)
    controller: Controller | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook name
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        import asyncio

        self.received.append((time.monotonic(), message_from_bytes(envelope.content)))
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted"

    def up(self) -> None:
        if self.controller is None:
            self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
            self.controller.start()

    def down(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def email_url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


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
