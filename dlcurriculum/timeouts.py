"""Requests that wait on a hung database fail fast instead of holding a web worker.

PostgreSQL's own limits cover most of it: ``connect_timeout`` (a server that does not
answer the connection) and ``statement_timeout`` (a query that runs too long). Neither
helps once a connection is open and the server, or something in between, stops
answering: the query waits on the socket for ever, gunicorn kills the worker after
its timeout, and with every worker waiting even ``/healthz`` is not answered.

So each request has a deadline (``REQUEST_TIMEOUT``, below gunicorn's ``--timeout``).
A watchdog thread per process shuts down the database socket of a request that is
past its deadline and waiting: psycopg raises ``OperationalError``, the request
answers with the 503 page (``views.server_error``), and the worker takes the next
request with a new connection.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import weakref

from django.conf import settings
from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)

_lock = threading.Lock()
# thread id -> monotonic deadline, for the requests being served
_deadlines: dict[int, float] = {}
# thread id -> the database wrappers that thread opened
_connections: dict[int, list[weakref.ref]] = {}
_watchdog: threading.Thread | None = None


def _remember_connection(sender, connection, **kwargs) -> None:
    with _lock:
        refs = [r for r in _connections.get(threading.get_ident(), []) if r() is not None]
        refs.append(weakref.ref(connection))
        _connections[threading.get_ident()] = refs


connection_created.connect(_remember_connection, dispatch_uid="dlcurriculum-timeouts")


def _cut(wrapper) -> None:
    raw = getattr(wrapper, "connection", None)
    pgconn = getattr(raw, "pgconn", None)
    fd = getattr(pgconn, "socket", -1) if pgconn is not None else -1
    if fd is None or fd < 0:
        return
    try:
        dup = socket.socket(fileno=os.dup(fd))
    except OSError:
        return
    try:
        dup.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        dup.close()


def _watch() -> None:
    while True:
        time.sleep(0.25)
        now = time.monotonic()
        with _lock:
            overdue = [ident for ident, deadline in _deadlines.items() if deadline <= now]
            for ident in overdue:
                del _deadlines[ident]
            wrappers = [r() for ident in overdue for r in _connections.get(ident, [])]
        for wrapper in wrappers:
            if wrapper is not None:
                logger.warning("Request past its deadline: closing its database connection")
                _cut(wrapper)


def _ensure_watchdog() -> None:
    global _watchdog  # noqa: PLW0603 - one watchdog per process, started by the first request
    if _watchdog is None or not _watchdog.is_alive():
        with _lock:
            if _watchdog is None or not _watchdog.is_alive():
                _watchdog = threading.Thread(target=_watch, name="request-deadline", daemon=True)
                _watchdog.start()


class RequestDeadlineMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.timeout = settings.REQUEST_TIMEOUT

    def __call__(self, request):
        if not self.timeout:
            return self.get_response(request)
        _ensure_watchdog()
        ident = threading.get_ident()
        with _lock:
            _deadlines[ident] = time.monotonic() + self.timeout
        try:
            return self.get_response(request)
        finally:
            with _lock:
                _deadlines.pop(ident, None)
