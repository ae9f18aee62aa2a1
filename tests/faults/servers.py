"""The app under gunicorn as its container runs it, and a client that talks to it as a browser behind the TLS proxy."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from tests.production_env import production_env

from .ports import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Gunicorn:
    base: str
    process: subprocess.Popen
    env: dict
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start_gunicorn(logs: Path, **env_overrides: str) -> Gunicorn:
    """Run the app with gunicorn.conf.py (3 workers, as the Dockerfile) and wait until it answers /healthz."""
    port = free_port()
    env = production_env(**{"GUNICORN_WORKERS": "3", **env_overrides, "GUNICORN_BIND": f"127.0.0.1:{port}"})
    log = logs / f"gunicorn-{port}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "dlcurriculum.wsgi:application", "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Gunicorn(f"http://127.0.0.1:{port}", process, env, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {server.output()}")
        try:
            Client(server.base).get("/healthz")
            return server
        except OSError:
            time.sleep(0.2)
    stop_gunicorn(server)
    raise AssertionError(f"gunicorn did not start: {server.output()}")


def stop_gunicorn(server: Gunicorn) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()


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
