"""One URL checked: vetted, fetched (HEAD, then GET where needed), redirects followed hop by hop, classified."""

from __future__ import annotations

import asyncio
import contextlib
import time
from urllib.parse import urljoin, urlsplit

import aiohttp

from . import netpolicy
from .answers import (
    RATE_LIMITED,
    UNVERIFIABLE_STATUSES,
    WHITESPACE,
    Answer,
    Verdict,
    is_challenge,
    looks_like_login,
    parse_retry_after,
    suggestion,
)
from .hosts import Host, PrioritySlots
from .resolver import PrivateAddressError, Resolver
from .results import CheckerConfig, LinkResult, Status


class Checker:
    def __init__(self, config: CheckerConfig, session: aiohttp.ClientSession, resolver: Resolver):
        self.config = config
        self.session = session
        self.resolver = resolver
        self.slots = PrioritySlots(config.concurrency)
        self.hosts: dict[str, Host] = {}
        self._parsed: dict[str, tuple] = {}
        # A read timeout no shorter than the total bound can never fire first: leaving it out
        # saves re-arming a timer on every chunk read.
        read_timeout = config.read_timeout if config.read_timeout < config.total_timeout else None
        self.timeout = aiohttp.ClientTimeout(
            total=config.total_timeout, sock_connect=config.connect_timeout, sock_read=read_timeout
        )

    def _host(self, key: str) -> Host:
        host = self.hosts.get(key)
        if host is None:
            host = self.hosts[key] = Host(PrioritySlots(self.config.per_host_concurrency))
        return host

    async def _vet(self, url: str) -> None:  # noqa: C901 - one refusal per unsafe kind of URL
        """Refuse what must not be fetched, without sending anything."""
        try:
            parts, port = self._split(url)
        except ValueError as exc:
            raise Verdict(Status.INVALID, f"malformed URL: {exc}") from None
        if parts.scheme not in ("http", "https"):
            raise Verdict(Status.INVALID, "not an http(s) URL")
        host = parts.hostname
        if not host:
            raise Verdict(Status.INVALID, "no host in the URL")
        if WHITESPACE.search(url):
            raise Verdict(Status.INVALID, "whitespace in the URL")
        reason = netpolicy.url_refusal(parts)
        if reason is not None:
            raise Verdict(Status.INVALID, reason)
        if self.config.allow_private_addresses:
            return
        if netpolicy.is_ip_literal(host):
            reason = netpolicy.address_refusal(host)
            if reason is not None:
                raise Verdict(Status.INVALID, f"non-public address {host} refused ({reason})")
            return
        try:
            await self.resolver.addresses(host, port or (443 if parts.scheme == "https" else 80))
        except PrivateAddressError as exc:
            raise Verdict(Status.INVALID, str(exc)) from None
        except OSError as exc:
            raise Verdict(Status.BROKEN, f"DNS failure: {exc}") from None

    def _split(self, url: str):
        """(parts, port) of ``url``, parsed once per run; raises ValueError for a malformed one."""
        cached = self._parsed.get(url)
        if cached is None:
            parts = urlsplit(url)
            cached = self._parsed[url] = (parts, parts.port)
        return cached

    def _host_of(self, url: str) -> Host:
        parts, port = self._split(url)
        return self._host(f"{parts.hostname}:{port or (443 if parts.scheme == 'https' else 80)}")

    def expect(self, url: str, count: int = 1) -> None:
        with contextlib.suppress(ValueError):  # malformed: _vet reports it
            self._host_of(url).pending += count

    async def _fetch(self, method: str, url: str, sent: int = 0) -> Answer:
        """One request; ``sent``: requests already made for this URL (its redirects, HEAD, retries)."""
        host = self._host_of(url)
        # Per-host slot first: a task waiting on a busy host must not hold a global slot.
        await host.slots.acquire(-sent)
        try:
            interval = self.config.per_host_interval
            if interval > 0:
                now = asyncio.get_running_loop().time()
                start = max(now, host.next_start)
                host.next_start = start + interval
                if start > now:
                    await asyncio.sleep(start - now)
            await self.slots.acquire(-host.pending * host.latency)
        except BaseException:
            host.slots.release()
            raise
        started = time.monotonic()
        try:
            return await self._send(method, url)
        finally:
            # A running average of this host's answer time, for the priority above.
            host.latency = 0.8 * host.latency + 0.2 * (time.monotonic() - started)
            # The slots go back a loop turn later, so that this URL's next request (a redirect's
            # hop, which goes first) can queue for its host's slot.
            asyncio.get_running_loop().call_soon(self._hand_on, host)

    def _hand_on(self, host: Host) -> None:
        host.slots.release()
        # And the global slot one turn after that, so this host's next request (just woken)
        # can queue for it: the busiest hosts bound the run and must not idle.
        asyncio.get_running_loop().call_soon(self.slots.release)

    async def _send(self, method: str, url: str) -> Answer:
        async with self.session.request(method, url, allow_redirects=False, timeout=self.timeout) as response:
            body = b""
            if method == "GET":
                chunks: list[bytes] = []
                size = 0
                content = response.content
                while size < self.config.max_body_bytes and not content.at_eof():
                    chunk = await content.read(self.config.max_body_bytes - size)
                    if not chunk:
                        break
                    chunks.append(chunk)
                    size += len(chunk)
                body = b"".join(chunks)
            # Case-insensitive already, and kept by the response after it is released.
            headers = response.headers
            if not response.content.at_eof():
                # Don't drain a large body to reuse the connection: drop it.
                response.close()
            return Answer(response.status, headers, body)

    async def check(self, url: str) -> LinkResult:
        started = time.monotonic()
        hops: list[tuple[str, int, str]] = []
        current = url
        try:
            answer, current = await self._follow(url, hops)
            status, detail = self._classify(answer, hops, current)
            http_status = answer.status
        except Verdict as verdict:
            status, detail, http_status = verdict.status, verdict.detail, verdict.http_status
            current = hops[-1][2] if hops else url
        except Exception as exc:  # noqa: BLE001 - one bad URL must never end the run
            status, detail, http_status = self._classify_error(exc)
            current = hops[-1][2] if hops else url
        suggested = suggestion(hops) if status == Status.REDIRECTED else None
        return LinkResult(
            url=url,
            status=status,
            http_status=http_status,
            final_url=current,
            suggested_url=suggested,
            redirects=len(hops),
            detail=detail,
            elapsed=time.monotonic() - started,
        )

    async def _follow(self, url: str, hops: list[tuple[str, int, str]]) -> tuple[Answer, str]:  # noqa: C901 - each hop's checks in order
        config = self.config
        current = url
        visits = {url: 1}
        first_method = "HEAD" if config.head_first else "GET"
        method = first_method
        retries = 0
        sent = 0
        while True:
            await self._vet(current)
            try:
                sent += 1
                answer = await self._fetch(method, current, sent - 1)
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, aiohttp.ClientResponseError):
                if method == "HEAD":
                    method = "GET"  # some servers drop or garble HEAD
                    continue
                raise
            if method == "HEAD" and answer.status >= 400 and answer.status != RATE_LIMITED:
                # 405/501 and friends, and servers that answer HEAD differently: GET decides.
                method = "GET"
                continue
            if answer.status in (429, 503) and not is_challenge(answer):
                delay = parse_retry_after(answer.headers.get("retry-after"))
                if delay is not None:
                    if delay > config.retry_after_cap:
                        raise Verdict(
                            Status.UNVERIFIABLE,
                            f"asked to retry after {delay:.0f}s (more than {config.retry_after_cap:.0f}s)",
                            answer.status,
                        )
                    if retries >= config.max_retries:
                        raise Verdict(
                            Status.UNVERIFIABLE, f"still {answer.status} after {retries} retries", answer.status
                        )
                    retries += 1
                    await asyncio.sleep(delay)
                    continue
            if 300 <= answer.status < 400 and answer.status != 304:
                location = answer.headers.get("location")
                if not location:
                    raise Verdict(Status.BROKEN, "redirect without a Location", answer.status)
                if len(hops) >= config.max_redirects:
                    raise Verdict(
                        Status.BROKEN, f"too many redirects (more than {config.max_redirects})", answer.status
                    )
                target = urljoin(current, location.strip())
                target = target.split("#", 1)[0] or target
                # One revisit is allowed: a site may set a cookie and send us back.
                visits[target] = visits.get(target, 0) + 1
                hops.append((current, answer.status, target))
                if visits[target] > 2:
                    raise Verdict(Status.BROKEN, "redirect loop", answer.status)
                current = target
                method = first_method
                retries = 0
                continue
            return answer, current

    def _classify(self, answer: Answer, hops: list, final_url: str) -> tuple[Status, str]:
        code = answer.status
        if 200 <= code < 300 or code == 304:
            if hops and looks_like_login(final_url):
                return Status.UNVERIFIABLE, "redirected to a login or consent page"
            if hops:
                return Status.REDIRECTED, f"{len(hops)} redirect(s) to {final_url}"
            return Status.OK, ""
        if is_challenge(answer):
            return Status.UNVERIFIABLE, "bot challenge (Cloudflare)"
        if code in UNVERIFIABLE_STATUSES:
            return Status.UNVERIFIABLE, f"HTTP {code}: the site refuses robots"
        if code == 408:
            return Status.TIMEOUT, "HTTP 408"
        if 400 <= code < 500:
            return Status.BROKEN, f"HTTP {code}"
        if code >= 500:
            return Status.SERVER_ERROR, f"HTTP {code}"
        return Status.BROKEN, f"unexpected HTTP {code}"

    @staticmethod
    def _classify_error(exc: BaseException) -> tuple[Status, str, None]:
        if isinstance(exc, aiohttp.ClientConnectorDNSError):
            if isinstance(exc.os_error, PrivateAddressError):
                return Status.INVALID, str(exc.os_error), None
            return Status.BROKEN, f"DNS failure: {exc.os_error}", None
        if isinstance(exc, (aiohttp.ClientSSLError, aiohttp.ClientConnectorCertificateError)):
            return Status.BROKEN, f"TLS failure: {exc}", None
        if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
            return Status.TIMEOUT, "timed out", None
        if isinstance(exc, aiohttp.ClientConnectorError):
            return Status.BROKEN, f"connection failed: {exc.os_error}", None
        if isinstance(exc, (aiohttp.InvalidURL, ValueError, UnicodeError)):
            return Status.INVALID, f"malformed URL: {exc}", None
        if isinstance(exc, aiohttp.ClientError):
            return Status.BROKEN, f"{type(exc).__name__}: {exc}", None
        return Status.BROKEN, f"unexpected error {type(exc).__name__}: {exc}", None
