"""The learner's pace page and its forms, composed here: its figures count the capstones the
learner has approved as done, as the dashboard's do, and only the page layer reads both progress
and capstones. The writes are progress's services."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from capstones.selectors import capstone_status_for
from dlcurriculum.users import second_factor
from progress import selectors as progress_selectors
from progress import services as progress_services
from progress.forms import PaceForm, PauseForm, StudyBlocksForm
from stages.outline import outline

from .selectors import capstone_approvals


def _study_initial(plan) -> dict:
    if plan is None or not plan.study_days:
        return {}
    return {
        "weekdays": [int(d) for d in plan.study_days.split(",")],
        "start": plan.study_start,
        "minutes": plan.study_minutes,
    }


def _calendar_links(request, plan) -> dict | None:
    """The feed's addresses while it is on: https (to copy), webcal (to subscribe), and a download."""
    token = progress_selectors.calendar_token(plan)
    if token is None:
        return None
    url = request.build_absolute_uri(reverse("progress:calendar_feed", kwargs={"token": token}))
    return {"url": url, "webcal": "webcal://" + url.split("://", 1)[1], "download": f"{url}?download=1"}


def _pace_response(request, *, form=None, pause_form=None, study_form=None, status=200):
    """The pace page (read only when it is shown, not after a successful save)."""
    approvals = capstone_approvals(capstone_status_for(request.user), outline())
    page = progress_selectors.pace_page(request.user, approvals)
    if form is None:
        initial = {"mode": PaceForm.HOURS, "hours_per_week": 5}
        if page.plan is not None:
            mode = PaceForm.TARGET if page.plan.target_date else PaceForm.HOURS
            initial = {"mode": mode, "hours_per_week": page.plan.hours_per_week, "target_date": page.plan.target_date}
        form = PaceForm(initial=initial, today=page.today)
    context = {
        "pace_page": page,
        "form": form,
        "pause_form": pause_form or PauseForm(today=page.today),
        "study_form": study_form or StudyBlocksForm(initial=_study_initial(page.plan)),
        "calendar": _calendar_links(request, page.plan),
    }
    return render(request, "progress/pace.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def pace_plan(request):
    """The learner's own plan: there is no other learner's plan to name in the URL."""
    if request.method == "GET":
        return _pace_response(request)
    form = PaceForm(request.POST, today=progress_selectors.learner_today(request.user))
    if not form.is_valid():
        return _pace_response(request, form=form, status=400)
    data = form.cleaned_data
    progress_services.set_pace_plan(
        request.user, today=form.today, hours_per_week=data["hours_per_week"], target_date=data["target_date"]
    )
    messages.success(request, "Your pace plan is saved.")
    return redirect("dashboard")


@login_required
@require_POST
def pace_clear(request):
    if progress_services.clear_pace_plan(request.user):
        messages.success(request, "Your pace plan is dropped; pauses stay.")
    return redirect("progress:pace")


@login_required
@require_POST
def pause_add(request):
    form = PauseForm(request.POST, today=progress_selectors.learner_today(request.user))
    if not form.is_valid():
        return _pace_response(request, pause_form=form, status=400)
    try:
        progress_services.add_pause(request.user, **form.cleaned_data)
    except ValueError as error:
        form.add_error(None, str(error))
        return _pace_response(request, pause_form=form, status=400)
    messages.success(request, "The pause is added.")
    return redirect("progress:pace")


@login_required
@require_POST
def pause_remove(request, pause_id: int):
    # Only the learner's own pauses: another's id is not found.
    if not progress_services.remove_pause(request.user, pause_id):
        raise Http404("No such pause.")
    messages.success(request, "The pause is removed.")
    return redirect("progress:pace")


# --- The calendar feed ------------------------------------------------------------


@second_factor.exempt
@require_GET
def calendar_feed(request, token: str):
    """The learner's plan as an iCalendar feed. No session: calendar apps fetch it with the secret
    token in the URL, so a wrong, old (reset) or stopped token is a plain 404 that tells nothing.
    Computed at each request (it follows every change of the plan); the ETag lets an app that has
    this very version skip the body."""
    plan = progress_selectors.calendar_plan(token)
    if plan is None:
        raise Http404("No such calendar.")
    approvals = capstone_approvals(capstone_status_for(plan.user), outline())
    body = progress_selectors.plan_calendar_ics(plan, approvals)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        if "download" in request.GET:
            response["Content-Disposition"] = 'attachment; filename="pace-plan.ics"'
    response["ETag"] = etag
    # Only the holder of the token may keep a copy; never a shared cache.
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def calendar_reset(request):
    """Turn the feed on, or give it a new address: the old one stops working."""
    had_feed = progress_selectors.calendar_token(progress_selectors.pace_plan_of(request.user)) is not None
    if progress_services.reset_calendar_feed(request.user) is None:
        messages.error(request, "Set a pace plan first: the calendar shows it.")
    elif had_feed:
        messages.success(request, "Your calendar has a new address: the old one no longer works. Subscribe again.")
    else:
        messages.success(request, "Your calendar feed is on: subscribe to it below.")
    return redirect(reverse("progress:pace") + "#calendar-title")


@login_required
@require_POST
def calendar_stop(request):
    if progress_services.stop_calendar_feed(request.user):
        messages.success(request, "Your calendar feed is off: its address no longer works.")
    return redirect(reverse("progress:pace") + "#calendar-title")


@login_required
@require_POST
def study_blocks(request):
    form = StudyBlocksForm(request.POST)
    if not form.is_valid():
        return _pace_response(request, study_form=form, status=400)
    data = form.cleaned_data
    saved = progress_services.set_study_blocks(
        request.user,
        today=progress_selectors.learner_today(request.user),
        weekdays=data["weekdays"],
        start=data["start"],
        minutes=data["minutes"],
    )
    if not saved:
        form.add_error(None, "Set a pace plan first: study blocks belong to it.")
        return _pace_response(request, study_form=form, status=400)
    messages.success(request, "Your study blocks are saved." if data["weekdays"] else "No study blocks any more.")
    return redirect(reverse("progress:pace") + "#calendar-title")
