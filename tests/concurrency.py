"""Run a function in several threads released at the same moment, each on its own database connection."""

import threading
from collections.abc import Callable, Sequence

from django.db import connections


def run_at_once(function: Callable, calls: Sequence[tuple], *, timeout: float = 60) -> list[BaseException | None]:
    """Call ``function(*args)`` once per ``args`` in ``calls``, all threads starting together.

    Returns what each call raised (None where it returned), in the order of ``calls``.
    """
    start = threading.Barrier(len(calls))
    raised: list[BaseException | None] = [None] * len(calls)

    def worker(index: int, args: tuple) -> None:
        try:
            start.wait(timeout=timeout)
            function(*args)
        except Exception as exc:  # noqa: BLE001 - handed to the test
            raised[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, args)) for i, args in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), f"a call took longer than {timeout}s"
    return raised
