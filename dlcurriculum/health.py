"""Health checks answered before the rest of the middleware.

Orchestrators and the compose healthcheck probe the container by its own address
(Host: 127.0.0.1:8000 or a pod IP), which ALLOWED_HOSTS rightly refuses for every real page.
Sessions, CSRF and the HTTPS redirect have nothing to do with "is the process up" either.
"""

from . import views

HEALTH_VIEWS = {"/healthz": views.healthz, "/readyz": views.readyz}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = HEALTH_VIEWS.get(request.path_info)
        return view(request) if view else self.get_response(request)
