from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from dlcurriculum.drafts import login_required_keeping_text, mark_saved
from stages import views as stage_views
from stages.models import Resource

from . import export, selectors, services
from .forms import DeleteAccountForm, NoteForm, ProfileForm, StatusForm, WhyForm
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
    mark_saved(request, f"note:{resource.pk}")
    message = f"Note on “{resource.title}” saved." if row.note else f"Note on “{resource.title}” removed."
    if _wants_json(request):
        return _progress_json(request, resource, status=row.status, note=row.note, changed=changed, message=message)
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


@login_required
@require_GET
def dashboard(request):
    return render(request, "progress/dashboard.html", {"dashboard": selectors.dashboard(request.user)})


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required_keeping_text
@require_http_methods(["GET", "POST"])
def why(request):
    next_url = _safe_next(request, reverse("progress:dashboard"))
    if request.method == "POST":
        if "skip" in request.POST:
            services.dismiss_why_prompt(request.user)
            messages.info(request, "No problem. You can write down your why any time in your profile.")
            return redirect(next_url)
        form = WhyForm(request.POST)
        if form.is_valid():
            services.save_why(request.user, form.cleaned_data["why"])
            mark_saved(request, "why")
            messages.success(request, "Thanks. Your why is on your dashboard.")
            return redirect(next_url)
    else:
        form = WhyForm(initial={"why": request.user.why})
    return render(request, "progress/why.html", {"form": form, "next": next_url})


@login_required_keeping_text
@require_http_methods(["GET", "POST"])
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            form.save()
            mark_saved(request, "profile")
            messages.success(request, "Profile saved.")
            return redirect("progress:profile")
    else:
        form = ProfileForm(instance=request.user)
    return render(request, "progress/profile.html", {"form": form})


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def export_json(request):
    stamp = timezone.now().strftime("%Y%m%d")
    return _download(
        export.to_json(selectors.export_data(request.user)),
        "application/json",
        f"dlcurriculum-export-{stamp}.json",
    )


@login_required
@require_GET
def export_csv(request):
    stamp = timezone.now().strftime("%Y%m%d")
    return _download(
        export.to_csv_zip(selectors.export_data(request.user)),
        "application/zip",
        f"dlcurriculum-export-{stamp}-csv.zip",
    )


@login_required_keeping_text
@require_http_methods(["GET", "POST"])
def delete_account(request):
    user = request.user
    if request.method == "POST":
        form = DeleteAccountForm(request.POST, user=user)
        if form.is_valid():
            logout(request)
            services.delete_account(user)
            messages.success(request, "Your account and all of its data have been deleted.")
            return redirect("home")
    else:
        form = DeleteAccountForm(user=user)
    return render(request, "progress/delete_account.html", {"form": form})
