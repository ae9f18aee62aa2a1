"""Health checks answered before the rest of the middleware.

Orchestrators and the compose healthcheck probe the container by its own address
(Host: 127.0.0.1:8000 or a pod IP), which ALLOWED_HOSTS rightly refuses for every real page.
Sessions, CSRF and the HTTPS redirect have nothing to do with "is the process up" either.

``/readyz`` is "can this container serve pages": only the database decides. Every page
keeps working while Redis (cache and broker) is away: the cache falls back, sessions are
read from the database and enqueued work is left for the sweeps. Taking every web
container out of service for a cache outage would turn a degraded site into no site, so
a Redis outage shows as ``"status": "degraded"`` with a 200, and in the admin.
"""

from __future__ import annotations

import logging
import sys

from django import db
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

OK = "ok"
IN_PROCESS = "in-process"


def _error(exc: BaseException) -> str:
    return f"error: {type(exc).__name__}"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "cannot serve"
        logger.warning("Readiness: database unavailable (%s)", exc)
        return _error(exc)
    return OK


def check_redis() -> str:
    """The broker and the cache are the same Redis."""
    if not settings.REDIS_URL:
        return IN_PROCESS
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5).ping()
    except (redis.RedisError, OSError) as exc:
        return _error(exc)
    return OK


def service_status() -> dict:
    """``status`` is "ok", "degraded" (Redis away: pages work, background work waits) or "unavailable"."""
    database = check_database()
    broker = check_redis()
    if database != OK:
        status = "unavailable"
    elif broker in (OK, IN_PROCESS):
        status = OK
    else:
        status = "degraded"
    return {"status": status, "database": database, "broker": broker, "cache": broker}


def healthz(request):
    """The process is up."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    """Ready while the database answers; a broker or cache outage is "degraded", still 200."""
    status = service_status()
    return JsonResponse(status, status=503 if status["status"] == "unavailable" else 200)


def server_error(request):
    """A database that is down or hung gets a 503 in the site's layout; anything else the usual 500.

    Rendered without the request: the context processors would ask the database who is signed in.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, (db.OperationalError, db.InterfaceError)):
        html = render_to_string("503.html", {"user": AnonymousUser()})
        return HttpResponse(html, status=503, headers={"Retry-After": "30"})
    return defaults.server_error(request)


HEALTH_VIEWS = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = HEALTH_VIEWS.get(request.path_info)
        return view(request) if view else self.get_response(request)
