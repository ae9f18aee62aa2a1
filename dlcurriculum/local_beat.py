"""Local mode's stand-in for Celery beat: a daemon thread in the development server that runs the
periodic jobs a person sees the effect of (LOCAL_BEAT_TASKS: the due notification batches, the
e-mail outbox's retries) every LOCAL_BEAT_SECONDS.

Why a thread and not "send each batch when it becomes due": in local mode tasks run at once
(CELERY_TASK_ALWAYS_EAGER), so a task enqueued with a countdown runs immediately, finds the burst
still going on and sends nothing, and nothing comes back later. A timer per notification would be
lost on every autoreload; this thread keeps no state of its own: each tick asks the database what
is due (the same jobs Celery beat runs in production, all idempotent), so a restart loses nothing
and a tick that overlaps a request's send cannot send twice. It starts only under ``runserver``
with no REDIS_URL (with Redis, the real beat and workers do this), once: in the autoreloader's
child process, not in its watcher.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

logger = logging.getLogger(__name__)

# The one thread of this process, once started.
_state: dict[str, threading.Thread] = {}

THREAD_NAME = "local-beat"


class QuietTicks(logging.Filter):
    """Drop Celery's "Task ... succeeded" line for this thread's ticks: one every few seconds would
    bury the e-mails a person watches the console for. Failures (WARNING and above) still show."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or threading.current_thread().name != THREAD_NAME


def should_start(argv: list[str], environ, settings) -> bool:
    if settings.REDIS_URL or settings.LOCAL_BEAT_SECONDS <= 0 or len(argv) < 2 or argv[1] != "runserver":
        return False
    # With the autoreloader the watcher process loads the apps too; only its child serves.
    return environ.get("RUN_MAIN") == "true" or "--noreload" in argv


def run_once() -> dict:
    """Run each of LOCAL_BEAT_TASKS in this thread; a failing job is logged, the others still run."""
    from django.conf import settings

    from dlcurriculum.celery_app import app

    app.loader.import_default_modules()  # the apps' tasks modules: a worker imports them at start-up
    results = {}
    for name in settings.LOCAL_BEAT_TASKS:
        try:
            results[name] = app.tasks[name].apply().get(propagate=True)
        except Exception:  # one broken job must not stop the others, nor the thread
            logger.exception("Local beat: %s failed", name)
    return results


def _loop(interval: float, stop: threading.Event) -> None:
    from django.db import connections

    while not stop.wait(interval):
        results = run_once()
        if any(_did_something(result) for result in results.values()):
            logger.info("Local beat: %s", results)
        connections.close_all()  # this thread's own connections; SQLite must not stay locked


def _did_something(result) -> bool:
    if isinstance(result, dict):
        return any(value for key, value in result.items() if key != "skipped")
    return bool(result)


def start() -> threading.Thread | None:
    """Start the thread if local mode serves requests here (see :func:`should_start`), once."""
    from django.conf import settings

    if "thread" in _state or not should_start(sys.argv, os.environ, settings):
        return None
    logging.getLogger("celery.app.trace").addFilter(QuietTicks())
    thread = _state["thread"] = threading.Thread(
        target=_loop, args=(float(settings.LOCAL_BEAT_SECONDS), threading.Event()), name=THREAD_NAME, daemon=True
    )
    thread.start()
    logger.info("Local beat: %s every %ss", ", ".join(settings.LOCAL_BEAT_TASKS), settings.LOCAL_BEAT_SECONDS)
    return thread
