"""Check whether web links still lead somewhere: a pure asyncio core, no Django.

Data in (URLs and a ``CheckerConfig``), data out (one ``LinkResult`` per URL).
The management command, the Celery task, the admin action and the benchmark
all call ``check_urls`` / ``run_checks``.

Politeness and speed come from the same rules: a global concurrency bound, a
smaller bound per host (scheme-less ``host:port``), an optional minimum interval
between two requests to one host, HEAD before GET, bodies never read beyond a
few kilobytes, and each distinct URL fetched once per run.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import email.utils
import enum
import heapq
import itertools
import re
import socket
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from stages import netpolicy

__all__ = [
    "CheckerConfig",
    "LinkResult",
    "Status",
    "check_urls",
    "run_checks",
]


class Status(enum.StrEnum):
    OK = "ok"
    REDIRECTED = "redirected"
    BROKEN = "broken"
    UNVERIFIABLE = "unverifiable"
    TIMEOUT = "timeout"
    SERVER_ERROR = "server_error"
    INVALID = "invalid"


@dataclass(frozen=True)
class CheckerConfig:
    """How to check. The defaults are the polite ones for checking other people's sites
    (the nightly job, ``manage.py check_links``, ``python -m stages.linkcheck``); settings
    (``LINKCHECK_*``) and command-line flags override them."""

    concurrency: int = 32
    per_host_concurrency: int = 2
    # Seconds between the starts of two requests to the same host (0: none).
    per_host_interval: float = 0.5
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    # Bound for one HTTP request, from asking for a connection to the last byte read.
    total_timeout: float = 30.0
    max_redirects: int = 5
    # A 429/503 asking to come back later is honoured up to this many seconds, then unverifiable.
    retry_after_cap: float = 30.0
    max_retries: int = 2
    max_body_bytes: int = 8192
    # GET (capped at max_body_bytes) answers in one round trip whatever the outcome, as a
    # browser sees it; HEAD first saves a big page's first bytes but costs a second request
    # for every failure, since many servers answer HEAD differently from GET.
    head_first: bool = False
    user_agent: str = "dlcurriculum-linkcheck/1.0 (the dlcurriculum app's link checker)"
    # Off in production so a link cannot point the checker at the internal network.
    allow_private_addresses: bool = False


@dataclass(frozen=True)
class LinkResult:
    url: str
    status: Status
    http_status: int | None = None
    final_url: str | None = None
    # Where a permanent (301/308) redirect says the resource now lives.
    suggested_url: str | None = None
    redirects: int = 0
    detail: str = ""
    elapsed: float = 0.0
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def is_failure(self) -> bool:
        """Counts towards the consecutive failures that flag a link as broken."""
        return self.status in (Status.BROKEN, Status.TIMEOUT)

    def as_dict(self) -> dict:
        # Built by hand: every field is a plain value, and dataclasses.asdict's deep copy costs
        # more than the rest of printing a result (2,000 of them are printed in one go).
        return {
            "url": self.url,
            "status": str(self.status),
            "http_status": self.http_status,
            "final_url": self.final_url,
            "suggested_url": self.suggested_url,
            "redirects": self.redirects,
            "detail": self.detail,
            "elapsed": round(self.elapsed, 4),
            "checked_at": self.checked_at.isoformat(),
        }


Lookup = Callable[[str, int], Awaitable[list[str]]]

_RATE_LIMITED = 429
_UNVERIFIABLE_STATUSES = frozenset({401, 403, 407, 429, 999})
_PERMANENT_REDIRECTS = frozenset({301, 308})
_LOGIN_PATH = re.compile(
    r"(^|/)(login|log-in|signin|sign-in|sign_in|logon|auth|authenticate|sso|consent|servicelogin|session/new)(/|$|\.|\?)",
    re.IGNORECASE,
)
_WHITESPACE = re.compile(r"\s")
_LOGIN_HOST = re.compile(r"^(consent|login|signin|accounts|auth|sso)\.", re.IGNORECASE)
_CHALLENGE_MARKERS = (b"challenge-platform", b"cf-chl", b"<title>just a moment", b"attention required! | cloudflare")


class PrivateAddressError(OSError):
    """The host resolves to an address the checker must not reach."""


async def _system_lookup(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


class _Resolver(AbstractResolver):
    """Resolves each host once per run and, unless allowed, refuses non-public addresses.

    The connector uses it too, so a host that changes its answer between our
    check and the connection (DNS rebinding) is still refused.
    """

    def __init__(self, lookup: Lookup, allow_private: bool):
        self._lookup = lookup
        self._allow_private = allow_private
        self._cache: dict[tuple[str, int], asyncio.Future[list[str]]] = {}

    async def addresses(self, host: str, port: int) -> list[str]:
        key = (host, port)
        if key not in self._cache:
            self._cache[key] = asyncio.ensure_future(self._lookup(host, port))
        addresses = await asyncio.shield(self._cache[key])
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "no address")
        if not self._allow_private:
            for address in addresses:
                reason = netpolicy.address_refusal(address)
                if reason is not None:
                    raise PrivateAddressError(f"{host} resolves to non-public address {address} ({reason})")
        return addresses

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results: list[ResolveResult] = []
        for address in await self.addresses(host, port):
            fam = socket.AF_INET6 if ":" in address else socket.AF_INET
            if family not in (socket.AF_UNSPEC, fam):
                continue
            results.append(
                {
                    "hostname": host,
                    "host": address,
                    "port": port,
                    "family": fam,
                    "proto": 0,
                    "flags": socket.AI_NUMERICHOST,
                }
            )
        if not results:
            raise socket.gaierror(socket.EAI_NONAME, f"no address for {host} in the wanted family")
        return results

    async def close(self) -> None:
        for future in self._cache.values():
            future.cancel()


class _PrioritySlots:
    """A semaphore whose waiters are served by priority (lowest first), then arrival."""

    def __init__(self, size: int):
        self._free = size
        self._waiters: list[tuple[float, int, asyncio.Future]] = []
        self._arrivals = itertools.count()

    async def acquire(self, priority: float) -> None:
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._arrivals), future))
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release()  # granted just as we were cancelled: pass it on
            raise

    def release(self) -> None:
        while self._waiters:
            _, _, future = heapq.heappop(self._waiters)
            if not future.done():
                future.set_result(None)
                return
        self._free += 1


@dataclass
class _Host:
    # Served by priority: a redirect's next hop goes before the host's URLs not yet started,
    # so a URL once begun finishes as if it had kept its connection.
    slots: _PrioritySlots
    next_start: float = 0.0
    # Requests still expected for this host, and how long its answers take: the busiest
    # host bounds the run, so its requests go first when all global slots are taken.
    pending: int = 0
    latency: float = 0.1


@dataclass
class _Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes


class _Verdict(Exception):  # noqa: N818 - not an error: it carries a finished result out of nested checks
    """Ends a URL's check early with a result."""

    def __init__(self, status: Status, detail: str, http_status: int | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.http_status = http_status


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def _looks_like_login(url: str) -> bool:
    parts = urlsplit(url)
    return bool(_LOGIN_HOST.match(parts.hostname or "") or _LOGIN_PATH.search(parts.path or ""))


def _is_challenge(answer: _Answer) -> bool:
    if answer.headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    if answer.status in (403, 429, 503):
        body = answer.body[:4096].lower()
        return any(marker in body for marker in _CHALLENGE_MARKERS)
    return False


def _suggestion(hops: list[tuple[str, int, str]]) -> str | None:
    """The URL reached by the leading run of permanent redirects, if any."""
    suggested = None
    for _source, status, target in hops:
        if status not in _PERMANENT_REDIRECTS:
            break
        suggested = target
    return suggested


class _Checker:
    def __init__(self, config: CheckerConfig, session: aiohttp.ClientSession, resolver: _Resolver):
        self.config = config
        self.session = session
        self.resolver = resolver
        self.slots = _PrioritySlots(config.concurrency)
        self.hosts: dict[str, _Host] = {}
        self._parsed: dict[str, tuple] = {}
        # A read timeout no shorter than the total bound can never fire first: leaving it out
        # saves re-arming a timer on every chunk read.
        read_timeout = config.read_timeout if config.read_timeout < config.total_timeout else None
        self.timeout = aiohttp.ClientTimeout(
            total=config.total_timeout, sock_connect=config.connect_timeout, sock_read=read_timeout
        )

    def _host(self, key: str) -> _Host:
        host = self.hosts.get(key)
        if host is None:
            host = self.hosts[key] = _Host(_PrioritySlots(self.config.per_host_concurrency))
        return host

    async def _vet(self, url: str) -> None:  # noqa: C901 - one refusal per unsafe kind of URL
        """Refuse what must not be fetched, without sending anything."""
        try:
            parts, port = self._split(url)
        except ValueError as exc:
            raise _Verdict(Status.INVALID, f"malformed URL: {exc}") from None
        if parts.scheme not in ("http", "https"):
            raise _Verdict(Status.INVALID, "not an http(s) URL")
        host = parts.hostname
        if not host:
            raise _Verdict(Status.INVALID, "no host in the URL")
        if _WHITESPACE.search(url):
            raise _Verdict(Status.INVALID, "whitespace in the URL")
        reason = netpolicy.url_refusal(parts)
        if reason is not None:
            raise _Verdict(Status.INVALID, reason)
        if self.config.allow_private_addresses:
            return
        if netpolicy.is_ip_literal(host):
            reason = netpolicy.address_refusal(host)
            if reason is not None:
                raise _Verdict(Status.INVALID, f"non-public address {host} refused ({reason})")
            return
        try:
            await self.resolver.addresses(host, port or (443 if parts.scheme == "https" else 80))
        except PrivateAddressError as exc:
            raise _Verdict(Status.INVALID, str(exc)) from None
        except OSError as exc:
            raise _Verdict(Status.BROKEN, f"DNS failure: {exc}") from None

    def _split(self, url: str):
        """(parts, port) of ``url``, parsed once per run; raises ValueError for a malformed one."""
        cached = self._parsed.get(url)
        if cached is None:
            parts = urlsplit(url)
            cached = self._parsed[url] = (parts, parts.port)
        return cached

    def _host_of(self, url: str) -> _Host:
        parts, port = self._split(url)
        return self._host(f"{parts.hostname}:{port or (443 if parts.scheme == 'https' else 80)}")

    def expect(self, url: str, count: int = 1) -> None:
        with contextlib.suppress(ValueError):  # malformed: _vet reports it
            self._host_of(url).pending += count

    async def _fetch(self, method: str, url: str, sent: int = 0) -> _Answer:
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

    def _hand_on(self, host: _Host) -> None:
        host.slots.release()
        # And the global slot one turn after that, so this host's next request (just woken)
        # can queue for it: the busiest hosts bound the run and must not idle.
        asyncio.get_running_loop().call_soon(self.slots.release)

    async def _send(self, method: str, url: str) -> _Answer:
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
            return _Answer(response.status, headers, body)

    async def check(self, url: str) -> LinkResult:
        started = time.monotonic()
        hops: list[tuple[str, int, str]] = []
        current = url
        try:
            answer, current = await self._follow(url, hops)
            status, detail = self._classify(answer, hops, current)
            http_status = answer.status
        except _Verdict as verdict:
            status, detail, http_status = verdict.status, verdict.detail, verdict.http_status
            current = hops[-1][2] if hops else url
        except Exception as exc:  # noqa: BLE001 - one bad URL must never end the run
            status, detail, http_status = self._classify_error(exc)
            current = hops[-1][2] if hops else url
        suggested = _suggestion(hops) if status == Status.REDIRECTED else None
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

    async def _follow(self, url: str, hops: list[tuple[str, int, str]]) -> tuple[_Answer, str]:  # noqa: C901 - each hop's checks in order
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
            if method == "HEAD" and answer.status >= 400 and answer.status != _RATE_LIMITED:
                # 405/501 and friends, and servers that answer HEAD differently: GET decides.
                method = "GET"
                continue
            if answer.status in (429, 503) and not _is_challenge(answer):
                delay = parse_retry_after(answer.headers.get("retry-after"))
                if delay is not None:
                    if delay > config.retry_after_cap:
                        raise _Verdict(
                            Status.UNVERIFIABLE,
                            f"asked to retry after {delay:.0f}s (more than {config.retry_after_cap:.0f}s)",
                            answer.status,
                        )
                    if retries >= config.max_retries:
                        raise _Verdict(
                            Status.UNVERIFIABLE, f"still {answer.status} after {retries} retries", answer.status
                        )
                    retries += 1
                    await asyncio.sleep(delay)
                    continue
            if 300 <= answer.status < 400 and answer.status != 304:
                location = answer.headers.get("location")
                if not location:
                    raise _Verdict(Status.BROKEN, "redirect without a Location", answer.status)
                if len(hops) >= config.max_redirects:
                    raise _Verdict(
                        Status.BROKEN, f"too many redirects (more than {config.max_redirects})", answer.status
                    )
                target = urljoin(current, location.strip())
                target = target.split("#", 1)[0] or target
                # One revisit is allowed: a site may set a cookie and send us back.
                visits[target] = visits.get(target, 0) + 1
                hops.append((current, answer.status, target))
                if visits[target] > 2:
                    raise _Verdict(Status.BROKEN, "redirect loop", answer.status)
                current = target
                method = first_method
                retries = 0
                continue
            return answer, current

    def _classify(self, answer: _Answer, hops: list, final_url: str) -> tuple[Status, str]:
        code = answer.status
        if 200 <= code < 300 or code == 304:
            if hops and _looks_like_login(final_url):
                return Status.UNVERIFIABLE, "redirected to a login or consent page"
            if hops:
                return Status.REDIRECTED, f"{len(hops)} redirect(s) to {final_url}"
            return Status.OK, ""
        if _is_challenge(answer):
            return Status.UNVERIFIABLE, "bot challenge (Cloudflare)"
        if code in _UNVERIFIABLE_STATUSES:
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


def _dedupe(urls: Iterable[str]) -> tuple[list[str], dict[str, str]]:
    """Distinct URLs in first-seen order, and each input's fetch key (fragments are never sent)."""
    keys: dict[str, str] = {}
    order: list[str] = []
    seen: set[str] = set()
    for raw in urls:
        url = raw.strip()
        key = url.split("#", 1)[0] or url
        keys[raw] = key
        if key not in seen:
            seen.add(key)
            order.append(key)
    return order, keys


async def check_urls(
    urls: Iterable[str],
    config: CheckerConfig | None = None,
    *,
    on_result: Callable[[LinkResult], None] | None = None,
    lookup: Lookup | None = None,
) -> dict[str, LinkResult]:
    """Check ``urls`` and return a result for each input URL (each distinct URL fetched once).

    ``on_result`` is called as each distinct URL finishes (progress bars);
    ``lookup`` replaces DNS (host, port -> addresses), for tests.
    """
    config = config or CheckerConfig()
    urls = list(urls)
    distinct, keys = _dedupe(urls)
    resolver = _Resolver(lookup or _system_lookup, config.allow_private_addresses)
    connector = aiohttp.TCPConnector(
        limit=config.concurrency,
        limit_per_host=config.per_host_concurrency,
        resolver=resolver,
        ttl_dns_cache=None,
        enable_cleanup_closed=False,
    )
    headers = {
        "User-Agent": config.user_agent,
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "Accept-Encoding": "identity",
    }
    results: dict[str, LinkResult] = {}
    async with aiohttp.ClientSession(
        connector=connector,
        headers=headers,
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        trust_env=False,
        auto_decompress=False,
    ) as session:
        checker = _Checker(config, session, resolver)

        for url in distinct:
            checker.expect(url)

        async def one(url: str) -> None:
            try:
                result = await checker.check(url)
            finally:
                checker.expect(url, -1)
            results[url] = result
            if on_result is not None:
                on_result(result)

        await asyncio.gather(*await _start_in_batches(one, distinct))
    by_input: dict[str, LinkResult] = {}
    for raw in urls:
        result = results[keys[raw]]
        by_input[raw] = result if result.url == raw else _with_url(result, raw)
    return by_input


# URLs whose checks are started before the event loop gets a turn for the requests already sent.
START_BATCH = 32


async def _start_in_batches(
    check: Callable[[str], Awaitable[None]], urls: list[str], batch: int | None = None
) -> list[asyncio.Task]:
    """A task per URL, started ``batch`` at a time with a loop turn in between.

    Starting thousands at once would make the first requests (the busiest hosts' among them)
    wait until every check had taken its first step; in batches they go out from the start.
    """
    batch = batch or START_BATCH
    tasks: list[asyncio.Task] = []
    try:
        for i, url in enumerate(urls, 1):
            tasks.append(asyncio.ensure_future(check(url)))
            if i % batch == 0:
                await asyncio.sleep(0)
    except BaseException:  # cancelled while starting: leave no check running
        for task in tasks:
            task.cancel()
        raise
    return tasks


def _with_url(result: LinkResult, url: str) -> LinkResult:
    return dataclasses.replace(result, url=url)


def _loop_factory():
    try:
        import uvloop  # a faster event loop: checking is mostly event-loop and syscall work
    except ImportError:
        return None
    return uvloop.new_event_loop


def run_checks(urls: Iterable[str], config: CheckerConfig | None = None, **kwargs) -> dict[str, LinkResult]:
    """Blocking wrapper for code outside an event loop (management command, Celery task)."""
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        return runner.run(check_urls(urls, config, **kwargs))


if __name__ == "__main__":
    # The command line lives in linkcheck_cli (shared with manage.py check_links).
    from stages.linkcheck_cli import main

    raise SystemExit(main())
