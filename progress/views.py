from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST

from dlcurriculum.drafts import login_required_keeping_text, mark_saved
from stages import views as stage_views
from stages.models import Resource

from . import selectors, services
from .forms import NoteForm, PaceForm, PauseForm, StatusForm
from .models import Status


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _resource_url(resource: Resource) -> str:
    return f"{resource.stage.get_absolute_url()}#resource-{resource.pk}"


def _to_resource(resource: Resource):
    """A GET changes nothing; it happens after signing in again from an expired
    session (login's ``next`` is the form's action), so lead back to the resource."""
    return redirect(_resource_url(resource))


def _progress_json(
    request, resource, *, status: str, note: str, changed: bool, message: str, approved_stage_ids=None, **extra
) -> JsonResponse:
    """The saved state with what the stage page shows from it (completion, "Stage complete", the
    Continue target), so the page agrees with the change without a reload."""
    state = selectors.stage_state(
        request.user,
        resource.stage_id,
        (lambda: approved_stage_ids(request.user)) if approved_stage_ids is not None else None,
    )
    resume = state.resume
    return JsonResponse(
        {
            "resource": resource.pk,
            "status": status,
            "status_label": Status(status).label,
            "note": note,
            "changed": changed,
            "message": message,
            "completion": state.completion.as_dict(),
            "completion_html": render_to_string(
                "progress/_stage_progress.html",
                {"completion": state.completion, "next_stage": state.next_stage},
                request=request,
            ),
            "resume": {"id": resume.pk, "title": resume.title} if resume else None,
            "continue_html": render_to_string("progress/_continue.html", {"resource": resume}, request=request),
            **extra,
        }
    )


def _bad_input(request, resource, message: str, *, form=None, status=400):
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    # Without JavaScript: show the submitted form again, so nothing typed is lost.
    context = {"resource": resource, "form": form, "error": message}
    return render(request, "progress/resource_form_error.html", context, status=status)


def _resource_page(request, resource_id: int, **kwargs) -> str:
    resource = get_object_or_404(Resource.objects.select_related("stage"), pk=resource_id)
    return _resource_url(resource)


@login_required_keeping_text(form_page=_resource_page)
@require_http_methods(["GET", "POST"])
def set_status(request, resource_id: int, approved_stage_ids=None):
    """``approved_stage_ids(user)``: the stages whose capstone the learner has approved, given by the
    page layer (dlcurriculum.pages), which routes this view; progress knows no capstones."""
    # Rows are always the signed-in learner's: the URL names a resource, never a row.
    resource = get_object_or_404(Resource.objects.select_related("stage"), pk=resource_id)
    if request.method == "GET":
        return _to_resource(resource)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _bad_input(request, resource, "Choose one of: not started, in progress, done, skipped.")
    row, changed = services.set_status(request.user, resource, form.cleaned_data["status"])
    status = form.cleaned_data["status"]
    message = f"“{resource.title}”: {Status(status).label.lower()}."
    if _wants_json(request):
        return _progress_json(
            request,
            resource,
            status=status,
            note=row.note if row else "",
            changed=changed,
            message=message,
            approved_stage_ids=approved_stage_ids,
        )
    messages.success(request, message)
    return redirect(_resource_url(resource))


@login_required
@require_http_methods(["GET", "POST"])
def continue_resource(request, resource_id: int, approved_stage_ids=None):
    """Mark the resource in progress and go to it (the "Continue" button, a form with
    target=_blank, so the app stays open in its own tab and it works without JavaScript).
    Sent with fetch (the stage page), it answers with the new state and the resource's address,
    which the script opens in the new tab."""
    resource = get_object_or_404(Resource.objects.select_related("stage"), pk=resource_id)
    if request.method == "GET":
        return _to_resource(resource)
    row = services.open_resource(request.user, resource)
    if _wants_json(request):
        return _progress_json(
            request,
            resource,
            status=row.status,
            note=row.note,
            changed=True,
            message=f"“{resource.title}”: {Status(row.status).label.lower()}, opened in a new tab.",
            approved_stage_ids=approved_stage_ids,
            url=resource.url,  # only ever a web link (the stages_resource_url_http constraint)
        )
    # Only ever a web link: the stages_resource_url_http constraint rules out javascript: and the like.
    return redirect(resource.url)


@login_required_keeping_text(form_page=_resource_page)
@require_http_methods(["GET", "POST"])
def save_note(request, resource_id: int, approved_stage_ids=None):
    resource = get_object_or_404(Resource.objects.select_related("stage"), pk=resource_id)
    if request.method == "GET":
        return _to_resource(resource)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _bad_input(request, resource, " ".join(form.errors["note"]), form=form)
    row, changed = services.save_note(request.user, resource, form.cleaned_data["note"])
    message = f"Note on “{resource.title}” saved." if row.note else f"Note on “{resource.title}” removed."
    if _wants_json(request):
        # The script drops its draft itself; a mark for the next page could drop newer typing.
        return _progress_json(
            request,
            resource,
            status=row.status,
            note=row.note,
            changed=changed,
            message=message,
            approved_stage_ids=approved_stage_ids,
        )
    mark_saved(request, f"note:{resource.pk}")
    messages.success(request, message)
    return redirect(_resource_url(resource))


def stage_overview(request):
    response = stage_views.overview(request)
    if request.user.is_authenticated:
        selectors.attach_overview_progress(request.user, response.context_data["stages"])
    return response


def stage_detail(request, slug):
    response = stage_views.detail(request, slug)
    if request.user.is_authenticated:
        selectors.attach_stage_progress(request.user, response.context_data["stage"])
        response.context_data["progress_status_choices"] = Status.choices
    return response


# --- Pace plan ----------------------------------------------------------------------


def _pace_response(request, *, form=None, pause_form=None, status=200, approvals=None):
    """The pace page; ``approvals`` (from the page layer) says which capstones are approved, so its
    figures are the dashboard's: called only when the page is shown, not on a successful save."""
    page = selectors.pace_page(request.user, approvals() if approvals else ())
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
def pace_plan(request, approvals=None):
    """The learner's own plan: there is no other learner's plan to name in the URL. ``approvals``:
    a callable giving the learner's capstone approvals (routed through dlcurriculum.pages)."""
    if request.method == "GET":
        return _pace_response(request, approvals=approvals)
    form = PaceForm(request.POST, today=selectors.learner_today(request.user))
    if not form.is_valid():
        return _pace_response(request, form=form, status=400, approvals=approvals)
    data = form.cleaned_data
    services.set_pace_plan(
        request.user, today=form.today, hours_per_week=data["hours_per_week"], target_date=data["target_date"]
    )
    messages.success(request, "Your pace plan is saved.")
    return redirect("dashboard")


@login_required
@require_POST
def pace_clear(request):
    if services.clear_pace_plan(request.user):
        messages.success(request, "Your pace plan is dropped; pauses stay.")
    return redirect("progress:pace")


@login_required
@require_POST
def pause_add(request, approvals=None):
    form = PauseForm(request.POST, today=selectors.learner_today(request.user))
    if not form.is_valid():
        return _pace_response(request, pause_form=form, status=400, approvals=approvals)
    try:
        services.add_pause(request.user, **form.cleaned_data)
    except ValueError as error:
        form.add_error(None, str(error))
        return _pace_response(request, pause_form=form, status=400, approvals=approvals)
    messages.success(request, "The pause is added.")
    return redirect("progress:pace")


@login_required
@require_POST
def pause_remove(request, pause_id: int):
    # Only the learner's own pauses: another's id is not found.
    if not services.remove_pause(request.user, pause_id):
        raise Http404("No such pause.")
    messages.success(request, "The pause is removed.")
    return redirect("progress:pace")
