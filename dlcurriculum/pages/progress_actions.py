"""The learner's actions on a resource (status, Continue, note, how long it took), answered here because the answer is
the stage page's view of the change: its completion counts the stage's capstone as approved or not,
which only the page layer can read (progress and capstones know nothing of each other).

Each action parses with progress's form, writes with progress's service, then reads once: the
capstones approved (only for a capstone stage) and the stage's progress, and renders progress's
partials from them. Without JavaScript every action redirects back to the resource on its stage page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods

from capstones.selectors import capstone_status_for
from dlcurriculum.drafts import login_required_keeping_text, mark_saved
from progress import selectors as progress_selectors
from progress import services as progress_services
from progress.forms import NoteForm, StatusForm, TimeSpentForm
from progress.models import Status
from progress.time_spent import format_hours
from stages.models import Resource
from stages.outline import outline

from .selectors import approved_stage_ids


def time_spent_label(minutes: int) -> str:
    return f"{format_hours(minutes / 60)} h"


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _resource_url(resource: Resource) -> str:
    return f"{resource.stage.get_absolute_url()}#resource-{resource.pk}"


def _to_resource(resource: Resource):
    """A GET changes nothing; it happens after signing in again from an expired
    session (login's ``next`` is the form's action), so lead back to the resource."""
    return redirect(_resource_url(resource))


def _resource(resource_id: int) -> Resource:
    # Rows are always the signed-in learner's: the URL names a resource, never a row.
    return get_object_or_404(Resource.objects.select_related("stage"), pk=resource_id)


def _resource_page(request, resource_id: int, **kwargs) -> str:
    return _resource_url(_resource(resource_id))


def _stage_progress(user, stage_id: int) -> progress_selectors.StageProgress:
    """The stage as its page shows it now: 1 query, and 1 more for a capstone stage (its approval)."""
    approved = ()
    if stage_id in outline().capstone_hours:
        approved = approved_stage_ids(capstone_status_for(user), outline())
    return progress_selectors.stage_progress(user, stage_id, approved)


def _progress_json(request, resource, *, status: str, note: str | None, changed: bool, message: str, **extra):
    """The saved state with what the stage page shows from it (completion, "Stage complete", the
    Continue target), so the page agrees with the change without a reload."""
    progress = _stage_progress(request.user, resource.stage_id)
    resume = progress.resume
    state = progress.resources.get(resource.pk)
    if note is None:
        note = state.note if state else ""
    return JsonResponse(
        {
            "resource": resource.pk,
            "status": status,
            "status_label": Status(status).label,
            "note": note,
            "changed": changed,
            "message": message,
            "completion": progress.completion.as_dict(),
            "completion_html": render_to_string(
                "progress/_stage_progress.html",
                {"completion": progress.completion, "next_stage": progress.next_stage},
                request=request,
            ),
            "resume": {"id": resume.pk, "title": resume.title} if resume else None,
            "continue_html": render_to_string("progress/_continue.html", {"resource": resume}, request=request),
            # Marked done: the question how long it took (or the answer given), in place.
            "time_html": render_to_string(
                "progress/_time_spent.html", {"resource": resource, "state": state}, request=request
            ),
            **extra,
        }
    )


def _bad_input(request, resource, message: str, *, form=None, time_form=None, status=400):
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    # Without JavaScript: show the submitted form again, so nothing typed is lost.
    context = {"resource": resource, "form": form, "error": message}
    if time_form is not None:
        state = _stage_progress(request.user, resource.stage_id).resources.get(resource.pk)
        context.update(form=None, time_form=time_form, state=state, typed_hours=time_form.data.get("hours", "")[:20])
    return render(request, "progress/resource_form_error.html", context, status=status)


@login_required_keeping_text(form_page=_resource_page)
@require_http_methods(["GET", "POST"])
def set_status(request, resource_id: int):
    resource = _resource(resource_id)
    if request.method == "GET":
        return _to_resource(resource)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _bad_input(request, resource, "Choose one of: not started, in progress, done, skipped.")
    status = form.cleaned_data["status"]
    row, changed = progress_services.set_status(request.user, resource, status)
    message = f"“{resource.title}”: {Status(status).label.lower()}."
    if _wants_json(request):
        return _progress_json(
            request, resource, status=status, note=row.note if row else "", changed=changed, message=message
        )
    messages.success(request, message)
    return redirect(_resource_url(resource))


@login_required
@require_http_methods(["GET", "POST"])
def continue_resource(request, resource_id: int):
    """Mark the resource in progress and go to it (the "Continue" button, a form with
    target=_blank, so the app stays open in its own tab and it works without JavaScript).
    Sent with fetch (the stage page), it answers with the new state and the resource's address,
    which the script opens in the new tab."""
    resource = _resource(resource_id)
    if request.method == "GET":
        return _to_resource(resource)
    row = progress_services.open_resource(request.user, resource)
    if _wants_json(request):
        return _progress_json(
            request,
            resource,
            status=row.status,
            note=row.note,
            changed=True,
            message=f"“{resource.title}”: {Status(row.status).label.lower()}, opened in a new tab.",
            url=resource.url,  # only ever a web link (the stages_resource_url_http constraint)
        )
    # Only ever a web link: the stages_resource_url_http constraint rules out javascript: and the like.
    return redirect(resource.url)


@login_required_keeping_text(form_page=_resource_page)
@require_http_methods(["GET", "POST"])
def save_note(request, resource_id: int):
    resource = _resource(resource_id)
    if request.method == "GET":
        return _to_resource(resource)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _bad_input(request, resource, " ".join(form.errors["note"]), form=form)
    row, changed = progress_services.save_note(request.user, resource, form.cleaned_data["note"])
    message = f"Note on “{resource.title}” saved." if row.note else f"Note on “{resource.title}” removed."
    if _wants_json(request):
        # The script drops its draft itself; a mark for the next page could drop newer typing.
        return _progress_json(request, resource, status=row.status, note=row.note, changed=changed, message=message)
    mark_saved(request, f"note:{resource.pk}")
    messages.success(request, message)
    return redirect(_resource_url(resource))


@login_required
@require_http_methods(["GET", "POST"])
def answer_time_spent(request, resource_id: int):
    """How long a resource marked done took the learner: a preset, a number of hours, or "skip"
    (asked once: either way the question does not come back). Bad input keeps the done mark and
    says what is expected."""
    resource = _resource(resource_id)
    if request.method == "GET":
        return _to_resource(resource)
    form = TimeSpentForm(request.POST)
    if not form.is_valid():
        return _bad_input(request, resource, form.error_text(), time_form=form)
    hours = form.cleaned_data["hours"]
    try:
        answer, changed = progress_services.answer_time_spent(request.user, resource, hours)
    except ValueError as error:
        return _bad_input(request, resource, str(error), time_form=form, status=409)
    if answer.minutes is None:
        message = f"“{resource.title}”: skipped, you will not be asked again."
    else:
        message = f"“{resource.title}”: thank you, {time_spent_label(answer.minutes)} noted."
    if _wants_json(request):
        # Answered only when done (the service checks): the note is read with the stage's progress.
        return _progress_json(request, resource, status=Status.DONE, note=None, changed=changed, message=message)
    messages.success(request, message)
    return redirect(_resource_url(resource))
