"""Celery beat that catches up a tick it could not send.

Celery's scheduler advances an entry's last run before it publishes, and only logs
a failed publish: a tick that falls in a Redis blip is gone (the hourly reminder
pass, the daily link check). Here a failed publish puts the entry back as it was,
so it is due again and is sent as soon as the broker answers; the schedule file
keeps last runs across restarts (synced after every send), so a beat that was down
runs what it missed once when it starts. Every scheduled job is safe to run late
or twice.
"""

from __future__ import annotations

import dbm.dumb
import logging
import shelve

from celery.beat import PersistentScheduler

logger = logging.getLogger(__name__)

# While the broker is away, try again this often rather than in a tight loop.
RETRY_SECONDS = 5.0


class _PortableShelve:
    """The schedule file on dbm.dumb: Python 3.13's default dbm (SQLite) can fail with "locking
    protocol" when beat opens it under load, and beat then stops for good."""

    @staticmethod
    def open(filename: str, writeback: bool = False) -> shelve.Shelf:
        return shelve.Shelf(dbm.dumb.open(filename, "c"), writeback=writeback)


class CatchUpScheduler(PersistentScheduler):
    persistence = _PortableShelve
    sync_every_tasks = 1

    def __init__(self, *args, **kwargs):
        self._publish_failed = False
        super().__init__(*args, **kwargs)

    def apply_entry(self, entry, producer=None):
        try:
            self.apply_async(entry, producer=producer, advance=False)
        except Exception as exc:  # noqa: BLE001 - any failure to publish: keep the tick for later
            logger.warning("Beat: could not send %s (%s); will send it when the broker is back", entry.name, exc)
            self.schedule[entry.name] = entry  # undo reserve(): still due, with its old last run
            self._publish_failed = True

    def tick(self, *args, **kwargs):
        delay = super().tick(*args, **kwargs)
        if self._publish_failed:
            self._publish_failed = False
            self._heap = None  # rebuilt from self.schedule at the next tick, with the entry due again
            return max(delay, RETRY_SECONDS)
        return delay
