from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from capstones.selectors import capstone_status_for
from progress import completion as progress_core
from progress import selectors as progress_selectors
from progress import services as progress_services
from progress import views as progress_views
from progress.models import CompletionRecord
from stages import selectors as stage_selectors


def home(request):
    resume = progress_selectors.resume(request.user) if request.user.is_authenticated else None
    return render(request, "home.html", {"stages": stage_selectors.stage_overview(), "resume": resume})


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


def _mark_capstones(stages, capstone_status) -> None:
    """A capstone stage is complete once the learner's capstone there is approved: the
    progress core is told which, since progress knows nothing of capstones."""
    approved, hours = {}, {}
    for capstone in capstone_status:
        approved[capstone.stage_slug] = approved.get(capstone.stage_slug, False) or capstone.status == "approved"
        hours[capstone.stage_slug] = hours.get(capstone.stage_slug, 0.0) + capstone.effort_hours
    completions = {s.pk: s.completion for s in stages if getattr(s, "completion", None) is not None}
    ids = {s.slug: s.pk for s in stages}
    progress_core.mark_capstones(
        completions,
        [ids[slug] for slug in approved if slug in ids],
        [ids[slug] for slug, ok in approved.items() if ok and slug in ids],
        {ids[slug]: h for slug, h in hours.items() if slug in ids},
    )


def stage_overview(request):
    response = progress_views.stage_overview(request)
    if request.user.is_authenticated:
        _mark_capstones(response.context_data["stages"], capstone_status_for(request.user))
    return response


def stage_detail(request, slug):
    response = progress_views.stage_detail(request, slug)
    stage = response.context_data["stage"]
    if request.user.is_authenticated and hasattr(stage, "capstone"):
        _mark_capstones([stage], capstone_status_for(request.user))
    return response


@login_required
@require_GET
def dashboard(request):
    """The learner's progress with the status of each capstone."""
    dashboard = progress_selectors.dashboard(request.user)
    dashboard.capstone_status = capstone_status_for(request.user)  # a constant 2 queries
    for summary in dashboard.stages:
        summary.pk, summary.slug = summary.stage.pk, summary.stage.slug
    _mark_capstones(dashboard.stages, dashboard.capstone_status)
    # Again, now with the capstones' hours and approvals in it.
    dashboard.overall = progress_core.overall(s.completion for s in dashboard.stages)
    dashboard.curriculum_complete = progress_core.curriculum_complete(s.completion for s in dashboard.stages)
    # Asked for always, so the page's query count does not depend on the learner's progress.
    dashboard.completion_record = CompletionRecord.objects.filter(user=request.user).first()
    return render(request, "progress/dashboard.html", {"dashboard": dashboard})


def _curriculum_complete(user) -> bool:
    summaries = progress_selectors.dashboard(user).stages
    for summary in summaries:
        summary.pk, summary.slug = summary.stage.pk, summary.stage.slug
    _mark_capstones(summaries, capstone_status_for(user))
    return progress_core.curriculum_complete(s.completion for s in summaries)


@login_required
@require_POST
def completion_record(request):
    """Show or hide the learner's completion record; only a finished curriculum has one."""
    if not _curriculum_complete(request.user):
        messages.error(request, "The completion record comes once every stage is complete.")
        return redirect("dashboard")
    public = request.POST.get("public") == "1"
    progress_services.record_completion(request.user, public=public)
    messages.success(request, "Your completion record is public." if public else "Your completion record is private.")
    return redirect("dashboard")


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
