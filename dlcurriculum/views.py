from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from stages.selectors import stage_overview


def home(request):
    return render(request, "home.html", {"stages": stage_overview()})


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
