"""The plainest fast checker: one aiohttp session, GET each URL, print its status code. No classification.

The yardstick for what the client library itself costs: ``python plain_loop.py FILE [CONCURRENCY PER_HOST TIMEOUT]``.
"""

import asyncio
import json
import sys

import aiohttp


async def main(urls: list[str], concurrency: int, per_host: int, seconds: float) -> None:
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=per_host)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=seconds)) as session:

        async def one(url: str) -> tuple[str, int | str]:
            try:
                async with session.get(url, max_redirects=5) as response:
                    await response.content.read(8192)
                    return url, response.status
            except Exception as exc:  # noqa: BLE001
                return url, type(exc).__name__

        for url, status in await asyncio.gather(*(one(u) for u in urls)):
            sys.stdout.write(json.dumps({"url": url, "status": status}) + "\n")


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:  # noqa: PTH123
        urls = [line.strip() for line in handle if line.strip()]
    asyncio.run(main(urls, *(int(a) for a in sys.argv[2:4]), float(sys.argv[4])))
