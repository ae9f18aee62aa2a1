"""Real HTTP(S) servers on 127.0.0.1 that misbehave on purpose, for the link checker tests.

Each server runs its own event loop in a background thread, so both plain
(sync) Django tests and the checker's own loop can talk to it.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field

import pytest
from aiohttp import web


@dataclass
class Seen:
    method: str
    path: str
    user_agent: str
    at: float
    # The conditional request's headers, "" when not sent.
    if_none_match: str = ""
    if_modified_since: str = ""


@dataclass
class ServerState:
    requests: list[Seen] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    huge_bytes_sent: int = 0
    hits: dict[str, int] = field(default_factory=dict)

    def paths(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]


STATE = web.AppKey("state", ServerState)
routes = web.RouteTableDef()


def _record(state: ServerState, shared: dict | None):
    """A middleware logging every request and counting concurrent /slow ones (across servers when ``shared``)."""

    @web.middleware
    async def record(request: web.Request, handler):
        state.requests.append(
            Seen(
                request.method,
                request.path_qs,
                request.headers.get("User-Agent", ""),
                time.monotonic(),
                request.headers.get("If-None-Match", ""),
                request.headers.get("If-Modified-Since", ""),
            )
        )
        if not request.path.startswith("/slow"):
            return await handler(request)
        # Only /slow counts towards concurrency: hanging handlers of other tests linger.
        state.in_flight += 1
        if shared is not None:
            shared["in_flight"] += 1
            shared["max"] = max(shared["max"], shared["in_flight"])
        state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            return await handler(request)
        finally:
            state.in_flight -= 1
            if shared is not None:
                shared["in_flight"] -= 1

    return record


def _status(code: int, **headers):
    async def handler(request):
        return web.Response(status=code, text=f"status {code}", headers=headers)

    return handler


@routes.route("*", "/ok")
async def ok(request):
    return web.Response(text="fine")


@routes.route("*", "/slow")
async def slow(request):
    await asyncio.sleep(float(request.query.get("s", "0.15")))
    return web.Response(text="slow but fine")


@routes.route("*", "/head-refused")
async def get_only(request):
    if request.method == "HEAD":
        return web.Response(status=405, headers={"Allow": "GET"})
    return web.Response(text="GET works")


@routes.route("*", "/head-lies")
async def head_lies(request):
    # Some servers answer HEAD with 404 but serve the page to GET.
    if request.method == "HEAD":
        return web.Response(status=404)
    return web.Response(text="here after all")


@routes.route("*", "/head-drops")
async def head_drops(request):
    # A server that hangs up on HEAD but serves GET.
    if request.method == "HEAD":
        request.transport.close()
        raise ConnectionResetError("dropped HEAD")
    return web.Response(text="GET is fine")


@routes.route("*", "/redirect/{code}")
async def redirect(request):
    target = request.query.get("to", "/ok")
    return web.Response(status=int(request.match_info["code"]), headers={"Location": target})


@routes.route("*", "/chain/{n}")
async def chain(request):
    n = int(request.match_info["n"])
    if n == 0:
        return web.Response(text="end of chain")
    return web.Response(status=302, headers={"Location": f"/chain/{n - 1}"})


@routes.route("*", "/loop-a")
async def loop_a(request):
    return web.Response(status=302, headers={"Location": "/loop-b"})


@routes.route("*", "/loop-b")
async def loop_b(request):
    return web.Response(status=302, headers={"Location": "/loop-a"})


@routes.route("*", "/members-only")
async def members_only(request):
    return web.Response(status=302, headers={"Location": "/accounts/login/?next=/members-only"})


@routes.route("*", "/accounts/login/")
async def login(request):
    return web.Response(text="<form>please log in</form>", content_type="text/html")


@routes.route("*", "/cloudflare")
async def cloudflare(request):
    body = "<html><head><title>Just a moment...</title></head><body>/cdn-cgi/challenge-platform/</body></html>"
    return web.Response(status=403, text=body, content_type="text/html", headers={"cf-mitigated": "challenge"})


@routes.route("*", "/retry-once/{key}")
async def retry_once(request):
    key = request.match_info["key"]
    state = request.app[STATE]
    if request.method == "GET":
        state.hits[key] = state.hits.get(key, 0) + 1
        if state.hits[key] == 1:
            return web.Response(status=503, headers={"Retry-After": request.query.get("after", "1")})
        return web.Response(text="back again")
    return web.Response(status=503, headers={"Retry-After": "1"})


PAGE_DATE = "Tue, 01 Dec 2026 00:00:00 GMT"


@routes.route("*", "/tagged/{key}")
async def tagged(request):
    # A page with an ETag (state.hits[key] is its version, 0 at first) that answers a matching
    # If-None-Match with 304, as a cache-friendly server does.
    version = request.app[STATE].hits.get(request.match_info["key"], 0)
    etag = f'"v{version}"'
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers={"ETag": etag})
    return web.Response(text=f"version {version}", headers={"ETag": etag})


@routes.route("*", "/dated")
async def dated(request):
    # A page with a Last-Modified that answers If-Modified-Since (the same date) with a bare 304.
    if request.headers.get("If-Modified-Since") == PAGE_DATE:
        return web.Response(status=304)
    return web.Response(text="dated page", headers={"Last-Modified": PAGE_DATE})


@routes.route("*", "/hang")
async def hang(request):
    await asyncio.sleep(3600)
    return web.Response(text="too late")


@routes.route("*", "/huge")
async def huge(request):
    if request.method == "HEAD":
        return web.Response(status=405)
    response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
    await response.prepare(request)
    chunk = b"x" * 65536
    state = request.app[STATE]
    try:
        for _ in range(16384):  # 1 GiB, far more than a checker should ever read
            await response.write(chunk)
            state.huge_bytes_sent += len(chunk)
    except (ConnectionResetError, ConnectionError, RuntimeError):
        pass
    return response


@routes.route("*", "/flaky/{key}")
async def flaky(request):
    # Answers what the test put in state.hits[key]: a status code (0 = 200).
    code = request.app[STATE].hits.get(request.match_info["key"], 0) or 200
    return web.Response(status=code, text=f"status {code}")


FIXED = {
    "/not-found": 404,
    "/gone": 410,
    "/legal": 451,
    "/unauthorized": 401,
    "/forbidden": 403,
    "/proxy-auth": 407,
    "/rate-limited": 429,
    "/linkedin": 999,
    "/server-error": 500,
    "/bad-gateway": 502,
    "/unavailable": 503,
    "/request-timeout": 408,
}
for _path, _code in FIXED.items():
    routes.route("*", _path)(_status(_code))
routes.route("*", "/rate-limited-long")(_status(429, **{"Retry-After": "3600"}))
routes.route("*", "/unavailable-long")(_status(503, **{"Retry-After": "3600"}))
routes.route("*", "/not-implemented-head")(_status(501))


def _app(state: ServerState, shared: dict | None) -> web.Application:
    app = web.Application(middlewares=[_record(state, shared)])
    app[STATE] = state
    app.add_routes(routes)
    return app


class LinkServer:
    """One misbehaving web server on 127.0.0.1, in its own thread."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None, shared: dict | None = None):
        self.state = ServerState()
        self.ssl_context = ssl_context
        self.shared = shared
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        asyncio.set_event_loop(self._loop)
        self._runner = web.AppRunner(
            _app(self.state, self.shared), shutdown_timeout=0.1, handle_signals=False, access_log=None
        )
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=self.ssl_context)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    def start(self) -> LinkServer:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        future = asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop)
        try:
            future.result(10)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def url(self, path: str) -> str:
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def reset(self) -> None:
        self.state.requests.clear()
        self.state.hits.clear()
        self.state.max_in_flight = 0
        self.state.huge_bytes_sent = 0


def self_signed_context(directory) -> ssl.SSLContext:
    """A server TLS context with a throwaway self-signed certificate no client trusts."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed (needed to make a test certificate)")
    key, cert = directory / "key.pem", directory / "cert.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
