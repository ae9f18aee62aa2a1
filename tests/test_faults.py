"""The app survives the faults production brings."""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.production_env import production_env

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.faults


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status


def _wait_until_serving(url: str, process, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited: {process.stdout.read()}")
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("server did not start")


@pytest.fixture(scope="session")
def production_static_root(tmp_path_factory):
    """Static files collected as the Docker image does, for a DEBUG=false server."""
    root = tmp_path_factory.mktemp("static")
    env = production_env(STATIC_ROOT=str(root))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    return root


@pytest.fixture
def gunicorn_factory(transactional_db, curriculum, production_static_root):
    """Start the app under gunicorn, as in production, on the test database."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    processes = []

    def start(**extra_env):
        s = connection.settings_dict
        port = _free_port()
        env = production_env(
            ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}",
            CONN_MAX_AGE="600",
            STATIC_ROOT=str(production_static_root),
            # Production needs a Redis; these tests run without one unless they pass REDIS_URL.
            REDIS_URL="redis://127.0.0.1:9/0",
        )
        env.update(extra_env)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "dlcurriculum.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        processes.append(process)
        base = f"http://127.0.0.1:{port}"
        _wait_until_serving(base + "/healthz", process)
        return base

    yield start
    for process in processes:
        process.terminate()
        output, _ = process.communicate(timeout=10)
        print(output)  # noqa: T201 - the server's log, shown by pytest beside a failing test


@pytest.fixture
def gunicorn_on_test_db(gunicorn_factory):
    return gunicorn_factory()


def _terminate_other_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_a_postgresql_connection_dropped_between_requests_is_replaced(gunicorn_on_test_db):
    url = gunicorn_on_test_db + "/stages/deep-dive/"
    assert _get(url) == 200  # opens the persistent connection
    assert _terminate_other_backends() >= 1
    assert _get(url) == 200
    assert _get(gunicorn_on_test_db + "/readyz") == 200


@pytest.fixture
def private_redis():
    """A Redis server of this test's own, so it can be stopped without disturbing others."""
    import shutil

    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield {"url": f"redis://127.0.0.1:{port}/0", "process": process}
    process.kill()
    process.wait()


def _post_form(url: str, data: dict) -> int:
    """Submit a form as a browser behind the production TLS proxy would (secure cookies, HTTPS referer)."""
    import re
    import urllib.parse

    proxy_headers = {"X-Forwarded-Proto": "https"}
    with urllib.request.urlopen(urllib.request.Request(url, headers=proxy_headers), timeout=10) as response:
        html = response.read().decode()
        cookies = "; ".join(
            c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or [] if c.startswith("csrftoken=")
        )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
    https_url = url.replace("http://", "https://", 1)
    headers = {**proxy_headers, "Cookie": cookies, "Referer": https_url, "Origin": https_url.rsplit("/", 3)[0]}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_every_public_page_answers_while_redis_is_down(gunicorn_factory, private_redis):
    base = gunicorn_factory(REDIS_URL=private_redis["url"])
    assert _get(base + "/readyz") == 200
    private_redis["process"].kill()
    private_redis["process"].wait()
    for path in ("/", "/stages/", "/stages/deep-dive/", "/accounts/login/", "/accounts/signup/", "/healthz"):
        assert _get(base + path) == 200, path
    assert _post_form(base + "/accounts/login/", {"login": "nobody@example.com", "password": "wrong"}) == 200
    with urllib.request.urlopen(base + "/readyz", timeout=10) as response:
        assert json.load(response)["status"] == "degraded"
