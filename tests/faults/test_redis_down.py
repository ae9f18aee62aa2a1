"""With its Redis server stopped (not partitioned: the port refuses), every public page still answers."""

import json
import shutil
import socket
import subprocess
import time

import pytest

from .ports import free_port
from .servers import Client


@pytest.fixture
def private_redis():
    """A Redis server of this test's own, so it can be stopped without disturbing others."""
    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("redis-server is not installed")
    port = free_port()
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


def test_every_public_page_answers_while_redis_is_down(gunicorn, private_redis):
    server = gunicorn(REDIS_URL=private_redis["url"])
    client = Client(server.base)
    assert client.get("/readyz")[0] == 200
    private_redis["process"].kill()
    private_redis["process"].wait()
    for path in ("/", "/stages/", "/stages/deep-dive/", "/accounts/login/", "/accounts/signup/", "/healthz"):
        assert client.get(path)[0] == 200, path
    assert client.post_form("/accounts/login/", {"login": "nobody@example.com", "password": "wrong"})[0] == 200
    status, _, body = client.get("/readyz")
    assert status == 200
    assert json.loads(body)["status"] == "degraded"
