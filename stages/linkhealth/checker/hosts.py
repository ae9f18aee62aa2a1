"""Sharing the connections: a global bound handed to the host with the most work left, a bound per host."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from dataclasses import dataclass


class PrioritySlots:
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
class Host:
    # Served by priority: a redirect's next hop goes before the host's URLs not yet started,
    # so a URL once begun finishes as if it had kept its connection.
    slots: PrioritySlots
    next_start: float = 0.0
    # Requests still expected for this host, and how long its answers take: the busiest
    # host bounds the run, so its requests go first when all global slots are taken.
    pending: int = 0
    latency: float = 0.1
