from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from capstones.selectors import capstone_status_for
from progress import selectors as progress_selectors
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


@login_required
@require_GET
def dashboard(request):
    """The learner's progress with the status of each capstone."""
    dashboard = progress_selectors.dashboard_page(request.user)  # the progress part cached per learner state
    dashboard.capstone_status = capstone_status_for(request.user)  # a constant 2 queries
    return render(request, "progress/dashboard.html", {"dashboard": dashboard})


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
