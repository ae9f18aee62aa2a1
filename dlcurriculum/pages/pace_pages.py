"""The learner's pace page and its forms, composed here: its figures count the capstones the
learner has approved as done, as the dashboard's do, and only the page layer reads both progress
and capstones. The writes are progress's services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from capstones.selectors import capstone_status_for
from progress import selectors as progress_selectors
from progress import services as progress_services
from progress.forms import PaceForm, PauseForm
from stages.outline import outline

from .selectors import capstone_approvals


def _pace_response(request, *, form=None, pause_form=None, status=200):
    """The pace page (read only when it is shown, not after a successful save)."""
    approvals = capstone_approvals(capstone_status_for(request.user), outline())
    page = progress_selectors.pace_page(request.user, approvals)
    if form is None:
        initial = {"mode": PaceForm.HOURS, "hours_per_week": 5}
        if page.plan is not None:
            mode = PaceForm.TARGET if page.plan.target_date else PaceForm.HOURS
            initial = {"mode": mode, "hours_per_week": page.plan.hours_per_week, "target_date": page.plan.target_date}
        form = PaceForm(initial=initial, today=page.today)
    context = {"pace_page": page, "form": form, "pause_form": pause_form or PauseForm(today=page.today)}
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
