"""The web's metrics: each request counted and timed under its route name, and the /metrics endpoint.

/metrics is answered before host validation and the HTTPS redirect (like /healthz): Prometheus scrapes each
container by its own address over the private network. It needs ``Authorization: Bearer <METRICS_TOKEN>``;
with no METRICS_TOKEN set it does not exist (404, as any unknown page).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import connection
from django.http import HttpResponse

from . import metrics
from .tokens import bearer_token_matches

logger = logging.getLogger("dlcurriculum.requests")

METRICS_PATH = "/metrics"
UNMATCHED = "<unmatched>"


def route_name(request) -> str:
    """The URL pattern's name (``namespace:name``; a view's dotted path when unnamed), never the raw path."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name
    from dlcurriculum.health import HEALTH_VIEWS

    if request.path_info in HEALTH_VIEWS or request.path_info == METRICS_PATH:
        return request.path_info.strip("/")
    return UNMATCHED


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class RequestMetricsMiddleware:
    """Near the outside, so the time counted is the whole answer, every middleware's queries included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = _QueryCounter()
        began = time.perf_counter()
        status = 500
        try:
            with connection.execute_wrapper(queries):
                response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            elapsed = time.perf_counter() - began
            view = route_name(request)
            metrics.http_requests.labels(view, request.method, str(status)).inc()
            metrics.http_request_duration.labels(view, request.method).observe(elapsed)
            metrics.http_request_db_queries.labels(view).observe(queries.count)
            logger.info(
                "%s %s %s",
                request.method,
                view,
                status,
                extra={
                    "view": view,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 1),
                    "db_queries": queries.count,
                },
            )


def scrape() -> bytes:
    """Every process's recorded metrics, then the queue and outbox gauges read now."""
    from prometheus_client import CollectorRegistry, generate_latest

    from .live import OutboxCollector, QueueCollector
    from .multiprocess import scrape_registry

    live = CollectorRegistry(auto_describe=False)
    live.register(QueueCollector())
    live.register(OutboxCollector())
    return generate_latest(scrape_registry()) + generate_latest(live)


class MetricsEndpointMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != METRICS_PATH or not settings.METRICS_TOKEN:
            return self.get_response(request)
        if not bearer_token_matches(request.headers.get("Authorization", ""), settings.METRICS_TOKEN):
            return HttpResponse(
                "A bearer token is required.\n",
                status=401,
                content_type="text/plain",
                headers={"WWW-Authenticate": "Bearer"},
            )
        from prometheus_client import CONTENT_TYPE_LATEST

        return HttpResponse(scrape(), content_type=CONTENT_TYPE_LATEST)
