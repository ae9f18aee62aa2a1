from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods

from dlcurriculum.drafts import login_required_keeping_text, mark_saved
from stages import views as stage_views
from stages.models import Resource

from . import selectors, services
from .forms import NoteForm, StatusForm
from .models import Status


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _resource_url(resource: Resource) -> str:
    return f"{resource.stage.get_absolute_url()}#resource-{resource.pk}"


def _to_resource(resource: Resource):
    """A GET changes nothing; it happens after signing in again from an expired
    session (login's ``next`` is the form's action), so lead back to the resource."""
    return redirect(_resource_url(resource))


def _progress_json(request, resource, *, status: str, note: str, changed: bool, message: str) -> JsonResponse:
    completion = selectors.stage_completion(request.user, resource.stage_id)
    return JsonResponse(
        {
            "resource": resource.pk,
            "status": status,
            "status_label": Status(status).label,
            "note": note,
            "changed": changed,
            "message": message,
            "completion": completion.as_dict(),
            "completion_html": render_to_string(
                "progress/_stage_completion.html", {"completion": completion}, request=request
            ),
        }
    )


def _bad_input(request, resource, message: str, *, form=None, status=400):
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    # Without JavaScript: show the submitted form again, so nothing typed is lost.
    context = {"resource": resource, "form": form, "error": message}
    return render(request, "progress/resource_form_error.html", context, status=status)


def _resource_page(request, resource_id: int) -> str:
    resource = get_object_or_404(Resource.objects.select_related("stage"), pk=resource_id)
    return _resource_url(resource)


@login_required_keeping_text(form_page=_resource_page)
@require_http_methods(["GET", "POST"])
def set_status(request, resource_id: int):
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
            request, resource, status=status, note=row.note if row else "", changed=changed, message=message
        )
    messages.success(request, message)
    return redirect(_resource_url(resource))


@login_required
@require_http_methods(["GET", "POST"])
def continue_resource(request, resource_id: int):
    """Mark the resource in progress and go to it (the "Continue" button, a form with
    target=_blank, so the app stays open in its own tab and it works without JavaScript)."""
    resource = get_object_or_404(Resource.objects.select_related("stage"), pk=resource_id)
    if request.method == "GET":
        return _to_resource(resource)
    services.open_resource(request.user, resource)
    # Only ever a web link: the stages_resource_url_http constraint rules out javascript: and the like.
    return redirect(resource.url)


@login_required_keeping_text(form_page=_resource_page)
@require_http_methods(["GET", "POST"])
def save_note(request, resource_id: int):
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
        return _progress_json(request, resource, status=row.status, note=row.note, changed=changed, message=message)
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
