"""gunicorn settings for the container (docker compose and the Dockerfile's CMD).

Timeouts nest so that a hung dependency fails one request, not the server:
PostgreSQL connect (DB_CONNECT_TIMEOUT, 3 s) and statements (DB_STATEMENT_TIMEOUT_MS,
10 s) < the request deadline (REQUEST_TIMEOUT, 15 s, dlcurriculum/timeouts.py) <
gunicorn's worker timeout (30 s, a last resort for a worker stuck outside the database).
Threads let /healthz and other requests be answered while some wait on the database.
"""

import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
accesslog = "-"

# Prometheus multiprocess mode (dlcurriculum/observability/multiprocess.py): each worker writes its samples to
# files in this directory and /metrics, answered by any one worker, adds up all of them. Set before a worker
# imports the app; emptied at start so a restarted server does not add the last run's counts again.
_metrics_dir_given = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
_metrics_dir = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="dlcurriculum-web-metrics-"))
_metrics_dir.mkdir(parents=True, exist_ok=True)
for _stale in _metrics_dir.glob("*.db"):
    _stale.unlink(missing_ok=True)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_metrics_dir)


def on_exit(server):
    """A directory made for this run goes with it (one given in the environment is left, emptied next start)."""
    if not _metrics_dir_given:
        shutil.rmtree(_metrics_dir, ignore_errors=True)


def child_exit(server, worker):
    """A worker that exited (restarted, timed out) no longer counts in the live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def _json_logs() -> bool:
    """As the app decides (settings LOG_FORMAT): JSON unless asked for text, or in local mode (DEBUG on)."""
    chosen = os.environ.get("LOG_FORMAT")
    if chosen:
        return chosen == "json"
    return os.environ.get("DEBUG", "true").lower() in ("false", "0", "no", "off")


if _json_logs():
    # The app logs every request as one JSON line (route, status, duration, queries, request id:
    # dlcurriculum/observability/web.py), so gunicorn's own access line would only repeat it as text.
    accesslog = None
    _json = {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "format": "%(levelname)s %(name)s %(message)s",
        "rename_fields": {"levelname": "level", "name": "logger"},
        "timestamp": "time",
    }
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": _json},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
            "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
        "root": {"level": "INFO", "handlers": ["console"]},
    }
