"""The account pages: profile (with sign-in and security: second factor, GitHub, sessions), the "why"
prompt, ending sessions, export and deletion of all of a user's data."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dlcurriculum.drafts import login_required_keeping_text, mark_saved

from . import export, lifecycle, names, selectors, services, sessions
from .forms import DeleteAccountForm, NameForm, ProfileForm, WhyForm


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required_keeping_text
@require_http_methods(["GET", "POST"])
def why(request):
    next_url = _safe_next(request, reverse("dashboard"))
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
    return render(request, "users/why.html", {"form": form, "next": next_url})


@login_required_keeping_text
@require_http_methods(["GET", "POST"])
def name(request):
    """The display name, asked on the first visit of an account sign-up did not ask (see signals)."""
    next_url = _safe_next(request, reverse("dashboard"))
    if request.method == "POST":
        form = NameForm(request.POST)
        if form.is_valid():
            services.save_name(request.user, form.cleaned_data["name"])
            messages.success(request, f"You are shown as “{request.user.display_name}”.")
            return redirect(next_url)
    else:
        form = NameForm(initial={"name": request.user.name or names.suggested_name()})
    return render(request, "users/name.html", {"form": form, "next": next_url})


@login_required_keeping_text
@require_http_methods(["GET", "POST"])
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            form.save()
            mark_saved(request, "profile")
            messages.success(request, "Profile saved.")
            return redirect("users:profile")
    else:
        form = ProfileForm(instance=request.user)
    security = selectors.account_security(request.user, current_session_key=request.session.session_key)
    return render(request, "users/profile.html", {"form": form, **security})


@login_required
@require_POST
def end_session(request, pk: int):
    """End one of the signed-in person's other sessions (a shared computer, a lost phone)."""
    if sessions.end_session(request.user, pk, current_session_key=request.session.session_key):
        messages.success(request, "That session is signed out.")
    else:
        messages.info(request, "That session had already ended.")
    return redirect(f"{reverse('users:profile')}#sessions-title")


@login_required
@require_POST
def end_other_sessions(request):
    ended = sessions.end_other_sessions(request.user, current_session_key=request.session.session_key)
    messages.success(request, f"Signed out everywhere else ({ended} session{'' if ended == 1 else 's'}).")
    return redirect(f"{reverse('users:profile')}#sessions-title")


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
        export.to_json(lifecycle.export_user(request.user)),
        "application/json",
        f"dlcurriculum-export-{stamp}.json",
    )


@login_required
@require_GET
def export_csv(request):
    stamp = timezone.now().strftime("%Y%m%d")
    return _download(
        export.to_csv_zip(lifecycle.export_user(request.user), lifecycle.export_files(request.user)),
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
    return render(request, "users/delete_account.html", {"form": form})
