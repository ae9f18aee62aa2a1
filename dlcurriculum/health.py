"""Health checks answered before the rest of the middleware.

Orchestrators and the compose healthcheck probe the container by its own address
(Host: 127.0.0.1:8000 or a pod IP), which ALLOWED_HOSTS rightly refuses for every real page.
Sessions, CSRF and the HTTPS redirect have nothing to do with "is the process up" either.
"""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse


def healthz(request):
    """The process is up."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    """The database and the broker answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        checks["database"] = f"error: {type(exc).__name__}"
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5).ping()
            checks["broker"] = "ok"
        except redis.RedisError as exc:
            checks["broker"] = f"error: {type(exc).__name__}"
    else:
        checks["broker"] = "in-process"
    ready = all(v in ("ok", "in-process") for v in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503)


HEALTH_VIEWS = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = HEALTH_VIEWS.get(request.path_info)
        return view(request) if view else self.get_response(request)
