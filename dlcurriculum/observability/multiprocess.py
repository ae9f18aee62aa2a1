"""Prometheus multiprocess mode: several processes (gunicorn workers, Celery pool children) share one scrape.

prometheus_client decides at import time whether samples go to files (``PROMETHEUS_MULTIPROC_DIR`` set) or
stay in the process, so the directory is prepared before anything imports it: by gunicorn.conf.py in the
master, and by dlcurriculum.celery_app when the process is a Celery worker. Files left by an earlier run of
the same server would add its counts to this one's; they are removed at start. This module imports nothing
of prometheus_client for that reason.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

ENV = "PROMETHEUS_MULTIPROC_DIR"
# A directory this process made (not one given in the environment): removed when the server stops.
_made_here: list[str] = []


def prepare_directory(prefix: str) -> str:
    """Use PROMETHEUS_MULTIPROC_DIR (or a new temporary directory), emptied of an earlier run's samples."""
    directory = os.environ.get(ENV)
    if not directory:
        directory = tempfile.mkdtemp(prefix=prefix)
        _made_here.append(directory)
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink(missing_ok=True)
    os.environ[ENV] = directory
    return directory


def enabled() -> bool:
    return bool(os.environ.get(ENV))


def scrape_registry():
    """The registry a scrape reads: every process's files in multiprocess mode, else this process's metrics."""
    from prometheus_client import REGISTRY, CollectorRegistry
    from prometheus_client.multiprocess import MultiProcessCollector

    if not enabled():
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry


def mark_process_dead(pid: int) -> None:
    """A gone process's live gauges stop counting (its counters and histograms stay in the totals)."""
    if enabled():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)


def remove_directory_made_here() -> None:
    for directory in _made_here:
        shutil.rmtree(directory, ignore_errors=True)
