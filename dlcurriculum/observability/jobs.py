"""Celery's side: job durations and failures per task, the request id in every message, the worker's scrape port.

Connected when dlcurriculum.celery_app loads, so in the web (publishing), beat and every worker. Job metrics
are recorded by whichever process runs the job (a prefork child) into the multiprocess files; the worker's
main process serves them all on WORKER_METRICS_PORT (same bearer token as the web's /metrics).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time

from celery import signals

from . import request_id

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "request_id"
PUBLISHED_AT_HEADER = "published_at"

# Task id -> (start time, the request id token) while the job runs in this process.
_running: dict[str, tuple[float, object]] = {}


@signals.before_task_publish.connect
def _stamp_message(sender=None, headers=None, **kwargs):
    """Every message says when it was published (for the queue's oldest-job age) and which request caused it."""
    if headers is None:
        return
    headers[PUBLISHED_AT_HEADER] = time.time()  # a retry published again waits from its new publish
    current = request_id.current()
    if current and REQUEST_ID_HEADER not in headers:
        headers[REQUEST_ID_HEADER] = current


@signals.task_prerun.connect
def _job_started(task_id=None, task=None, **kwargs):
    carried = getattr(task.request, REQUEST_ID_HEADER, None) if task is not None else None
    # In-process (eager) jobs run inside the request and keep its id.
    token = request_id.bind(request_id.accepted(carried) or request_id.current())
    _running[task_id] = (time.perf_counter(), token)


@signals.task_postrun.connect
def _job_finished(task_id=None, task=None, state=None, **kwargs):
    started = _running.pop(task_id, None)
    if started is None:
        return
    began, token = started
    with contextlib.suppress(ValueError):  # bound in another context (a thread pool): nothing to restore here
        request_id.unbind(token)
    from dlcurriculum.celery_app import queue_of

    from .metrics import job_duration

    name = getattr(task, "name", "unknown")
    job_duration.labels(name, queue_of(name), state or "UNKNOWN").observe(time.perf_counter() - began)


@signals.task_failure.connect
def _job_failed(sender=None, exception=None, **kwargs):
    from .metrics import job_failures

    job_failures.labels(getattr(sender, "name", "unknown"), type(exception).__name__).inc()


@signals.task_retry.connect
def _job_retried(sender=None, **kwargs):
    from .metrics import job_retries

    job_retries.labels(getattr(sender, "name", "unknown")).inc()


@signals.worker_process_shutdown.connect
def _pool_child_gone(pid=None, **kwargs):
    from .multiprocess import mark_process_dead

    mark_process_dead(pid)


@signals.worker_shutdown.connect
def _worker_stopped(**kwargs):
    from .multiprocess import remove_directory_made_here

    remove_directory_made_here()


@signals.worker_init.connect
def _serve_worker_metrics(**kwargs):
    from django.conf import settings

    port = settings.WORKER_METRICS_PORT
    if not port:
        return
    if not settings.METRICS_TOKEN:
        logger.warning("WORKER_METRICS_PORT is set but METRICS_TOKEN is not: the worker's metrics stay off")
        return
    start_metrics_server(settings.WORKER_METRICS_ADDRESS, port, settings.METRICS_TOKEN)


def start_metrics_server(address: str, port: int, token: str):
    """Serve every process's metrics at any path, to requests with the bearer token, from a daemon thread."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from prometheus_client.exposition import ThreadingWSGIServer, make_wsgi_app

    from .multiprocess import scrape_registry
    from .tokens import bearer_token_matches

    metrics_app = make_wsgi_app(scrape_registry())

    def app(environ, start_response):
        if not bearer_token_matches(environ.get("HTTP_AUTHORIZATION", ""), token):
            start_response("401 Unauthorized", [("WWW-Authenticate", "Bearer"), ("Content-Type", "text/plain")])
            return [b"A bearer token is required.\n"]
        return metrics_app(environ, start_response)

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - the signature of the method overridden
            """Scrapes every 15 s would drown the worker's log."""

    server = make_server(address, port, app, ThreadingWSGIServer, handler_class=QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    logger.info("Worker metrics on %s:%s", address, port)
    return server
