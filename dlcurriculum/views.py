import sys

from django import db
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views import defaults
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


def server_error(request):
    """A database that is down or hung gets a 503 in the site's layout; anything else the usual 500.

    Rendered without the request: the context processors would ask the database who is signed in.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, (db.OperationalError, db.InterfaceError)):
        html = render_to_string("503.html", {"user": AnonymousUser()})
        return HttpResponse(html, status=503, headers={"Retry-After": "30"})
    return defaults.server_error(request)
