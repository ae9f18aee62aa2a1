"""Many URLs checked at once: each distinct URL once, started in batches, in or outside an event loop."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Iterable

import aiohttp

from .checker import Checker
from .resolver import Lookup, Resolver, system_lookup
from .results import CheckerConfig, LinkResult


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
    resolver = Resolver(lookup or system_lookup, config.allow_private_addresses)
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
        checker = Checker(config, session, resolver)

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

        await asyncio.gather(*await start_in_batches(one, distinct))
    by_input: dict[str, LinkResult] = {}
    for raw in urls:
        result = results[keys[raw]]
        by_input[raw] = result if result.url == raw else _with_url(result, raw)
    return by_input


# URLs whose checks are started before the event loop gets a turn for the requests already sent.
START_BATCH = 32


async def start_in_batches(
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
