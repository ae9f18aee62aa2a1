from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from stages.selectors import stage_overview


def home(request):
    return render(request, "home.html", {"stages": stage_overview()})


MOVED_ADMIN_PAGES = {
    "mail/reminder": "progress/reminder",
    "capstones/capstonebrief": "stages/capstonebrief",
    "capstones/framework": "stages/framework",
    "capstones/projectidea": "stages/projectidea",
}


def moved_admin_page(request, model, rest):
    query = request.META.get("QUERY_STRING", "")
    target = f"/admin/{MOVED_ADMIN_PAGES[model]}/{rest}" + (f"?{query}" if query else "")
    return HttpResponseRedirect(target)


ROBOTS_TXT = """\
User-agent: *
Allow: /capstones/p/
Disallow: /admin/
Disallow: /accounts/
Disallow: /me/
Disallow: /mail/
Disallow: /capstones/
"""


@require_GET
@cache_control(public=True, max_age=86400)
def robots_txt(request):
    """Search engines index the curriculum and public portfolios, nothing behind a login."""
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")


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
    from django.conf import settings

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
