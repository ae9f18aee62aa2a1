"""The pages that are neither a feature's nor one of the composed pages beside this module: home,
the completion record, robots.txt, moved admin addresses and the insight page."""

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from capstones import services as capstone_services
from capstones.selectors import capstone_status_for
from dlcurriculum.users import changes as learner_changes
from progress import selectors as progress_selectors
from progress import services as progress_services
from stages import selectors as stage_selectors
from stages.outline import outline

from . import insight as page_insight
from . import selectors as page_selectors


def home(request):
    resume = progress_selectors.resume(request.user) if request.user.is_authenticated else None
    return render(request, "pages/home.html", {"stages": stage_selectors.stage_overview(), "resume": resume})


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


def _curriculum_complete(user) -> bool:
    approved = page_selectors.approved_stage_ids(capstone_status_for(user), outline())
    return progress_selectors.dashboard(user, approved).curriculum_complete


@login_required
@require_POST
def completion_record(request):
    """Show or hide the learner's completion record; only a finished curriculum has one."""
    if not _curriculum_complete(request.user):
        messages.error(request, "The completion record comes once every stage is complete.")
        return redirect("dashboard")
    public = request.POST.get("public") == "1"
    with learner_changes.atomic():  # one action across two apps: the stamp moves once
        if public:
            capstone_services.portfolio_for(request.user)  # its random slug is the record's public address
        progress_services.record_completion(request.user, public=public)
    messages.success(request, "Your completion record is public." if public else "Your completion record is private.")
    return redirect("dashboard")


@require_GET
def public_completion(request, slug):
    """A learner's completion record, shown to anyone once the learner made it public."""
    record = page_selectors.public_completion_record_by_address(slug)
    if record is None:
        raise Http404("No public completion record here.")
    return render(request, "pages/completion_public.html", {"record": record, "page_url": request.build_absolute_uri()})


ROBOTS_TXT = """\
User-agent: *
Allow: /capstones/p/
Allow: /u/
Allow: /completion/
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


def curriculum_insight(request):
    """The maintainers' insight page (in the admin, wrapped by admin_view in the URLconf).

    Counts only, no names: whoever may see the resources may see how they are used.
    """
    if not request.user.has_perm("stages.view_resource"):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": "How learners use the curriculum",
        "insight": page_insight.curriculum_insight(),
    }
    return TemplateResponse(request, "admin/insight.html", context)
