"""Thin views: permission checks, forms, and calls to services and selectors."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from dlcurriculum.drafts import login_required_keeping_text, mark_saved
from stages.models import CapstoneBrief

from . import cell_comments, notebooks, policy, selectors, services
from .forms import CommentForm, DecisionForm, DescriptionForm, PortfolioForm, ReviewRequestForm, SubmissionForm
from .models import Comment, Rendering, Report, Submission

logger = logging.getLogger(__name__)

# The notebook's own document: an opaque origin that may show inline styles and data: images, nothing else.
# A click on one of the app's own "Comment on cell N" links (target=_top) may open the page around the
# frame; no script runs, and a notebook's links carry no target (the sanitiser drops it).
NOTEBOOK_CSP = (
    "sandbox allow-top-navigation-by-user-activation; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
)
# The public pages' frames: nothing of the conversation, no links out of the frame.
PUBLIC_NOTEBOOK_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def mentor_required(view):
    @login_required_keeping_text
    def wrapped(request, *args, **kwargs):
        if not policy.is_mentor(request.user):
            raise PermissionDenied("Mentors only.")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --------------------------------------------------------------------------- learner


@login_required
def my_submissions(request):
    return render(
        request,
        "capstones/my_submissions.html",
        {"statuses": selectors.capstone_status_for(request.user)},
    )


@login_required_keeping_text
def submit(request, key):
    brief = get_object_or_404(CapstoneBrief.objects.select_related("stage"), key=key)
    existing = Submission.objects.filter(learner=request.user, brief=brief).first()
    if existing and existing.status in (Submission.Status.IN_REVIEW, Submission.Status.APPROVED):
        messages.info(request, services.REFUSALS[(services.Action.SUBMIT, existing.status)])
        return redirect(existing)
    if request.method == "POST":
        form = SubmissionForm(
            request.POST, request.FILES, brief=brief, refused_uploads=getattr(request, "refused_uploads", None)
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                iteration = services.submit_iteration(
                    learner=request.user,
                    brief=brief,
                    title=data["title"],
                    idea=data["idea"],
                    own_problem=data["own_problem"],
                    repository_url=data["repository_url"],
                    write_up=data["write_up"],
                    notebook_bytes=form.notebook_bytes,
                    filename=data["notebook"].name,
                )
            except services.TransitionError as exc:
                form.add_error(None, str(exc))
            else:
                mark_saved(request, f"submit:{brief.key}")
                # The check runs after commit: in-process it has already finished, with a broker it may not have.
                if selectors.report_finished(iteration.pk):
                    messages.success(request, f"Iteration {iteration.number} submitted. Its automatic check is below.")
                else:
                    messages.success(
                        request,
                        f"Iteration {iteration.number} submitted. The automatic check is running; "
                        "its report appears below when it is done.",
                    )
                return redirect(iteration.get_absolute_url())
        else:
            if "notebook" not in form.errors:
                form.add_error("notebook", "Everything else you typed is kept; choose the notebook file again.")
    else:
        initial = {}
        if existing:
            last = existing.iterations.order_by("-number").first()
            initial = {
                "title": existing.title,
                "idea": existing.idea_id,
                "own_problem": existing.own_problem,
                "repository_url": last.repository_url if last else "",
                "write_up": last.write_up if last else "",
            }
        form = SubmissionForm(brief=brief, initial=initial)
    return render(request, "capstones/submit.html", {"brief": brief, "form": form, "existing": existing})


@login_required
def iteration_detail(request, pk, number=None):
    submission = selectors.visible_submission(request.user, pk)
    iteration, iterations = selectors.iteration_page(submission, number)
    user = request.user
    reviewing = policy.is_reviewing(user, submission)
    is_latest = iteration.number == iterations[-1].number
    report = getattr(iteration, "report", None)
    cells = selectors.report_cells(report)
    # The violations are listed with their code; the notes must not repeat them.
    report_notes = notebooks.notes_besides_violations((report.data or {}).get("notes", [])) if report else []
    can_comment = policy.may_comment(user, submission, on_latest_iteration=is_latest)
    may_decide = policy.may_decide(user, submission) and is_latest
    initial = {"cell": _int_or_none(request.GET.get("cell"))}
    services.mark_read(user, submission)
    context = {
        "submission": submission,
        "iteration": iteration,
        "iterations": iterations,
        "report": report,
        "report_notes": report_notes,
        "is_latest": is_latest,
        "is_owner": user.pk == submission.learner_id,
        "reviewing": reviewing,
        "can_claim": policy.may_claim(user, submission),
        "comment_form": CommentForm(cells=cells, may_decide=may_decide, initial=initial) if can_comment else None,
        "may_decide": may_decide,
        "cell_comments": _by_cell(iteration.comments.all()),
        "claim_expires": selectors.claim_expiry(submission),
        "checking": report is not None and report.status == Report.Status.PENDING,
        "rendering_pending": getattr(iteration, "rendering", None) is not None
        and iteration.rendering.status == Rendering.Status.PENDING,
        "review_request_form": ReviewRequestForm()
        if is_latest and policy.may_ask_for_review(user, submission)
        else None,
        "changes": selectors.changes_since_previous(iteration, iterations) if iteration.number > 1 else None,
    }
    return render(request, "capstones/iteration.html", context)


def _int_or_none(value):
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _by_cell(comments) -> list[tuple[int, list]]:
    grouped: dict[int, list] = {}
    for c in comments:
        if c.cell:
            grouped.setdefault(c.cell, []).append(c)
    return sorted(grouped.items())


@never_cache
@login_required
def iteration_status(request, pk, number):
    """Whether the check and the rendering are done, for the page's script to update itself."""
    iteration = selectors.iteration_for_file(request.user, pk, number)
    return JsonResponse(selectors.job_status(iteration))


@require_POST
@login_required
def ask_review(request, pk):
    submission = get_object_or_404(Submission, pk=pk, learner=request.user)
    form = ReviewRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why you think the automatic check is wrong (at most 2,000 characters).")
        return redirect(submission)
    try:
        services.ask_for_review(submission, learner=request.user, reason=form.cleaned_data["reason"])
    except services.TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Your submission is in the review queue, with your reason for the mentor.")
    return redirect(submission)


@never_cache
@xframe_options_sameorigin
@login_required
def iteration_notebook(request, pk, number):
    """The rendered notebook, for the sandboxed iframe on the iteration page."""
    iteration = selectors.iteration_for_file(request.user, pk, number)
    comments = Comment.objects.filter(iteration=iteration, cell__isnull=False).select_related("author")
    link = None
    if policy.may_comment(request.user, iteration.submission, on_latest_iteration=selectors.is_latest(iteration)):
        # Each cell's "Comment on this cell" opens the page with the form's cell chosen (no script).
        link = f"{iteration.get_absolute_url()}?cell={{cell}}#comment-form"
    return notebook_response(cell_comments.beside_cells(_stored_rendering(iteration), comments, link=link))


def _stored_rendering(iteration) -> str:
    """The rendering a worker stored; never made here (a big notebook would hold a web worker)."""
    rendering = selectors.rendering_of(iteration)
    if rendering is not None and rendering.status == Rendering.Status.DONE:
        return rendering.html
    if rendering is not None and rendering.status == Rendering.Status.FAILED:
        return _notice(escape(rendering.error) + " Download the notebook to read it in Jupyter.")
    # The iteration page reloads this frame once the rendering is stored (its status script, or its
    # own refresh without script); the frame's refresh helps where a browser lets a sandbox refresh.
    return _notice(
        "The notebook is being prepared for display; it appears here in a moment.", refresh=NOTEBOOK_REFRESH_SECONDS
    )


NOTEBOOK_REFRESH_SECONDS = 3


def _notice(text: str, *, refresh: int | None = None) -> str:
    meta = f"<meta http-equiv='refresh' content='{refresh}'>" if refresh else ""
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>{meta}<title>Notebook</title></head>"
        f"<body style='font-family:system-ui,sans-serif'><p>{text}</p></body></html>"
    )


def notebook_response(html: str, *, csp: str = NOTEBOOK_CSP) -> HttpResponse:
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = csp
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@login_required
def iteration_download(request, pk, number):
    iteration = selectors.iteration_for_file(request.user, pk, number)
    return _download(iteration)


def _download(iteration):
    filename = (
        iteration.original_name if iteration.original_name.endswith(".ipynb") else f"{iteration.original_name}.ipynb"
    )
    response = FileResponse(
        iteration.notebook.open("rb"), as_attachment=True, filename=filename, content_type="application/x-ipynb+json"
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def _iteration_page(request, pk, number):
    return reverse("capstones:iteration", kwargs={"pk": pk, "number": number})


def _submission_page(request, pk):
    return reverse("capstones:submission", kwargs={"pk": pk})


def _not_saved(request, *, heading, error, form, action, back_url, refused=None):
    """A rejected post shows its form again with the text in it, never drops it.

    ``refused``: the exception that refused it (403 when not allowed, 409 when the
    submission changed meanwhile); otherwise the input was invalid (400).
    """
    status = 400 if refused is None else 403 if isinstance(refused, PermissionDenied) else 409
    context = {"heading": heading, "error": error, "form": form, "action": action, "back_url": back_url}
    return render(request, "capstones/not_saved.html", context, status=status)


@require_POST
@login_required_keeping_text(form_page=_iteration_page)
def comment(request, pk, number):
    """The one form under the conversation: a message, on a cell or not, with an optional decision."""
    submission = selectors.visible_submission(request.user, pk)
    iteration, iterations = selectors.iteration_page(submission, number)
    is_latest = iteration.number == iterations[-1].number
    may_decide = policy.may_decide(request.user, submission) and is_latest
    cells = selectors.report_cells(getattr(iteration, "report", None))
    form = CommentForm(request.POST, cells=cells, may_decide=may_decide)
    error, refused = "; ".join(e for errs in form.errors.values() for e in errs), None
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data.get("decision"):
                services.decide(
                    submission,
                    mentor=request.user,
                    decision=data["decision"],
                    feedback=data["body"],
                    cell=data.get("cell"),
                )
            else:
                services.add_comment(iteration, author=request.user, body=data["body"], cell=data.get("cell"))
        except (services.TransitionError, PermissionDenied) as exc:
            # E.g. the claim expired while the mentor was writing: the text is shown back.
            error, refused = str(exc) or "You can no longer write on this iteration.", exc
        else:
            mark_saved(request, f"comment:{iteration.pk}")
            if data.get("decision"):
                messages.success(request, "Decision saved; the learner is notified by e-mail.")
            else:
                messages.success(request, "Message sent.")
            return redirect(iteration.get_absolute_url())
    return _not_saved(
        request,
        heading="The message was not saved",
        error=error,
        form=form,
        action=request.path,
        back_url=iteration.get_absolute_url(),
        refused=refused,
    )


@require_POST
@login_required_keeping_text(form_page=_submission_page)
def visibility(request, pk):
    submission = get_object_or_404(Submission, pk=pk, learner=request.user)
    try:
        services.set_submission_public(submission, learner=request.user, public=request.POST.get("public") == "1")
    except services.TransitionError as exc:
        messages.error(request, str(exc))
    return redirect(submission)


# --------------------------------------------------------------------------- mentor


@mentor_required
def queue(request):
    return render(
        request,
        "capstones/queue.html",
        {
            "page": selectors.queue_page(request.user, request.GET.get("page")),
            "idle_days": settings.CAPSTONE_CLAIM_IDLE_DAYS,
        },
    )


@require_POST
@mentor_required
def claim(request, pk):
    # Any mentor may try: losing the race to another mentor gets a message, not a 404.
    submission = get_object_or_404(Submission, pk=pk)
    try:
        services.claim(submission, mentor=request.user)
    except services.TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("capstones:queue")
    messages.success(request, "You are reviewing this submission.")
    return redirect(submission)


@require_POST
@mentor_required
def release(request, pk):
    submission = selectors.visible_submission(request.user, pk)
    try:
        services.release(submission, mentor=request.user)
    except services.TransitionError as exc:
        messages.error(request, str(exc))
    return redirect("capstones:queue")


@require_POST
@login_required_keeping_text(form_page=_submission_page)
@mentor_required
def decide(request, pk):
    submission = selectors.visible_submission(request.user, pk)
    iteration, _ = selectors.iteration_page(submission, None)
    form = DecisionForm(request.POST, cells=selectors.report_cells(getattr(iteration, "report", None)))
    if not form.is_valid():
        return _not_saved(
            request,
            heading="The decision was not sent",
            error="Choose a decision and write your feedback.",
            form=form,
            action=request.path,
            back_url=submission.get_absolute_url(),
        )
    try:
        services.decide(
            submission,
            mentor=request.user,
            decision=form.cleaned_data["decision"],
            feedback=form.cleaned_data["body"],
            cell=form.cleaned_data.get("cell"),
        )
    except (services.TransitionError, PermissionDenied) as exc:
        # E.g. another mentor took over meanwhile: the feedback is shown back, not dropped.
        return _not_saved(
            request,
            heading="The decision was not sent",
            error=str(exc) or "You can no longer decide on this submission.",
            form=form,
            action=request.path,
            back_url=submission.get_absolute_url(),
            refused=exc,
        )
    mark_saved(request, f"decision:{submission.pk}")
    messages.success(request, "Decision saved; the learner is notified by e-mail.")
    return redirect(submission)


# --------------------------------------------------------------------------- portfolio


@login_required_keeping_text
def portfolio_settings(request):
    portfolio = services.portfolio_for(request.user)
    if request.method == "POST":
        form = PortfolioForm(request.POST)
        if form.is_valid():
            try:
                services.update_portfolio(request.user, **form.cleaned_data)
            except services.HandleTakenError as exc:
                form.add_error("handle", str(exc))
            else:
                mark_saved(request, "portfolio")
                messages.success(request, "Portfolio settings saved.")
                return redirect("capstones:portfolio_settings")
    else:
        form = PortfolioForm(
            initial={
                "is_public": portfolio.is_public,
                "headline": portfolio.headline,
                "handle": portfolio.handle,
                "allow_download": portfolio.allow_download,
            }
        )
    return render(
        request,
        "capstones/portfolio_settings.html",
        {
            "form": form,
            "portfolio": portfolio,
            "share_url": request.build_absolute_uri(portfolio.get_absolute_url()),
            "submissions": selectors.learner_submissions(request.user).filter(status=Submission.Status.APPROVED),
        },
    )


@login_required
def description(request, pk):
    submission = get_object_or_404(Submission.objects.select_related("brief"), pk=pk)
    if not policy.may_edit_description(request.user, submission):
        raise Http404("No such submission.")
    if request.method == "POST":
        form = DescriptionForm(request.POST)
        if form.is_valid():
            services.set_description(submission, learner=request.user, description=form.cleaned_data["description"])
            messages.success(request, "Public description saved.")
            return redirect(submission)
    else:
        form = DescriptionForm(initial={"description": submission.description})
    return render(request, "capstones/description.html", {"form": form, "submission": submission})


@login_required
def inbox(request):
    return render(request, "capstones/inbox.html", selectors.waiting_for(request.user))


def portfolio(request, slug):
    portfolio, submissions = selectors.public_portfolio(slug)
    if portfolio.handle:
        # The first, opaque addresses keep working for links already shared.
        return redirect(portfolio.get_absolute_url(), permanent=True)
    return TemplateResponse(request, "capstones/portfolio.html", _portfolio_context(request, portfolio, submissions))


def portfolio_by_handle(request, handle):
    portfolio, submissions = selectors.public_portfolio_by_handle(handle)
    return TemplateResponse(request, "capstones/portfolio.html", _portfolio_context(request, portfolio, submissions))


def _portfolio_context(request, portfolio, submissions) -> dict:
    """The page layer adds the learner's public completion record (``completion_record``): capstones
    cannot read progress."""
    return {
        "portfolio": portfolio,
        "submissions": submissions,
        "page_url": request.build_absolute_uri(portfolio.get_absolute_url()),
    }


def public_capstone(request, handle, key):
    portfolio, submission = selectors.public_capstone(handle, key)
    return render(
        request,
        "capstones/public_capstone.html",
        {
            "portfolio": portfolio,
            "submission": submission,
            "iteration": submission.approved_iteration,
            "may_download": policy.may_download_public(portfolio),
            "page_url": request.build_absolute_uri(),
        },
    )


@never_cache
@xframe_options_sameorigin
def public_capstone_notebook(request, handle, key):
    _portfolio, submission = selectors.public_capstone(handle, key)
    return notebook_response(_stored_rendering(submission.approved_iteration), csp=PUBLIC_NOTEBOOK_CSP)


@never_cache
def public_capstone_download(request, handle, key):
    portfolio, submission = selectors.public_capstone(handle, key)
    if not policy.may_download_public(portfolio):
        raise Http404("Not downloadable.")
    return _download(submission.approved_iteration)


@never_cache
@xframe_options_sameorigin
def portfolio_notebook(request, slug, pk):
    iteration = selectors.public_iteration(slug, pk)
    return notebook_response(_stored_rendering(iteration), csp=PUBLIC_NOTEBOOK_CSP)
