"""Thin views of the review conversation: the learner's submissions and iterations, the mentor's queue,
claims and decisions (permission checks, forms, calls to services and selectors). The portfolio is in
``portfolio_views``, the notebook frames and files in ``notebook_responses``."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from dlcurriculum.drafts import login_required_keeping_text, mark_saved
from stages.models import CapstoneBrief

from . import cell_comments, notebooks, policy, selectors, services
from .forms import CommentForm, DecisionForm, ReassignForm, ReviewRequestForm, SubmissionForm
from .models import Comment, Rendering, Report, Submission
from .notebook_responses import download, notebook_response, stored_rendering

logger = logging.getLogger(__name__)


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
    context = {"brief": brief, "form": form, "existing": existing, "rubric": selectors.rubric_for(brief.pk)}
    return render(request, "capstones/submit.html", context)


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
    at_cell = _int_or_none(request.GET.get("at")) or initial["cell"]
    services.mark_read(user, submission)
    conversation = selectors.conversation_page(submission, iterations, request.GET.get("conversation"))
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
        "may_reassign": policy.may_reassign(user, submission),
        # A mentor whose claim an admin moved: they read on, and their unsent text is kept as a draft.
        "reassigned_from_me": not reviewing
        and policy.is_mentor(user)
        and not user.is_staff
        and user.pk != submission.learner_id
        and policy.was_reassigned_from(user, submission),
        "comment_form": CommentForm(
            cells=cells,
            may_decide=may_decide,
            rubric=selectors.rubric_for(submission.brief_id) if may_decide else (),
            initial=initial,
        )
        if can_comment
        else None,
        # The scores of this iteration's review; each iteration keeps its own.
        "scores": selectors.review_scores(iteration.review.pk if _has_review(iteration) else None),
        "may_decide": may_decide,
        "conversation": conversation,
        # The cell comments of this iteration among the page's messages (the notebook shows them all).
        "at_cell": at_cell if at_cell and at_cell > 0 else None,
        "cell_comments": _by_cell(c for it, cs in conversation.entries if it.pk == iteration.pk for c in cs),
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


def _has_review(iteration) -> bool:
    # Loaded with the iterations (select_related): no query either way.
    return getattr(iteration, "review", None) is not None


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
    return notebook_response(cell_comments.beside_cells(stored_rendering(iteration), comments, link=link))


@never_cache
@login_required
def iteration_download(request, pk, number):
    iteration = selectors.iteration_for_file(request.user, pk, number)
    return download(iteration)


def iteration_page(request, pk, number):
    return reverse("capstones:iteration", kwargs={"pk": pk, "number": number})


def submission_page(request, pk):
    return reverse("capstones:submission", kwargs={"pk": pk})


def _not_saved(request, *, heading, error, form, action, back_url, refused=None):
    """A rejected post shows its form again with the text in it, never drops it.

    ``refused``: the exception that refused it (403 when not allowed, 429 after too many messages, 409 when the
    submission changed meanwhile); otherwise the input was invalid (400).
    """
    if refused is None:
        status = 400
    elif isinstance(refused, PermissionDenied):
        status = 403
    else:
        status = 429 if isinstance(refused, services.MessageRateLimitError) else 409
    context = {"heading": heading, "error": error, "form": form, "action": action, "back_url": back_url}
    return render(request, "capstones/not_saved.html", context, status=status)


@require_POST
@login_required_keeping_text(form_page=iteration_page)
def comment(request, pk, number):
    """The one form under the conversation: a message, on a cell or not, with an optional decision."""
    submission = selectors.visible_submission(request.user, pk)
    iteration, iterations = selectors.iteration_page(submission, number)
    is_latest = iteration.number == iterations[-1].number
    may_decide = policy.may_decide(request.user, submission) and is_latest
    cells = selectors.report_cells(getattr(iteration, "report", None))
    rubric = selectors.rubric_for(submission.brief_id) if may_decide else ()
    form = CommentForm(request.POST, cells=cells, may_decide=may_decide, rubric=rubric)
    # The form's own sentence when it has one (the rubric's); the fields' errors otherwise.
    error = " ".join(form.non_field_errors()) or "; ".join(e for errs in form.errors.values() for e in errs)
    refused = None
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
                    scores=form.scores(),
                )
            else:
                services.add_comment(iteration, author=request.user, body=data["body"], cell=data.get("cell"))
        except (services.TransitionError, services.MessageRateLimitError, PermissionDenied) as exc:
            # E.g. the claim expired while the mentor was writing: the text is shown back.
            error, refused = str(exc) or "You can no longer write on this iteration.", exc
        else:
            mark_saved(request, f"comment:{iteration.pk}")
            if data.get("decision"):
                messages.success(request, "Decision saved; the learner is notified by e-mail.")
            else:
                messages.success(request, "Message sent.")
            if data.get("cell"):
                # Back at the cell the message is about, in the notebook, not at the top of it.
                return redirect(f"{iteration.get_absolute_url()}?at={data['cell']}#nb-title")
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


@mentor_required
def reassign(request, pk):
    """An admin moves another mentor's active claim, after a confirmation page that names who has
    it, since when, and what happens to them (told, keeps reading, their unsent text stays a draft)."""
    submission = selectors.visible_submission(request.user, pk)
    if not request.user.is_staff:
        raise PermissionDenied("Only admins reassign a review.")
    if not policy.may_reassign(request.user, submission):
        messages.error(request, "Nobody has this submission in review now: there is nothing to reassign.")
        return redirect(submission)
    choices = selectors.reassign_choices(submission)
    form = ReassignForm(request.POST or None, choices=choices, initial={"mentor": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            services.reassign(submission, admin=request.user, mentor=form.cleaned_data["mentor"])
        except (services.TransitionError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"Reassigned to {form.cleaned_data['mentor'].display_name}; "
                f"{submission.mentor.display_name} is told and can still read the conversation.",
            )
        return redirect(submission)
    return render(request, "capstones/reassign.html", {"submission": submission, "form": form})


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
@login_required_keeping_text(form_page=submission_page)
@mentor_required
def decide(request, pk):
    submission = selectors.visible_submission(request.user, pk)
    iteration, _ = selectors.iteration_page(submission, None)
    form = DecisionForm(
        request.POST,
        cells=selectors.report_cells(getattr(iteration, "report", None)),
        rubric=selectors.rubric_for(submission.brief_id),
    )
    if not form.is_valid():
        return _not_saved(
            request,
            heading="The decision was not sent",
            error=" ".join(form.non_field_errors()) or "Choose a decision and write your feedback.",
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
            scores=form.scores(),
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


@login_required
def inbox(request):
    context = selectors.waiting_for(request.user)
    # Seen now: the navigation's count clears on this very page; the rows read before still say "new".
    services.mark_seen(request.user, context["notifications"])
    return render(request, "capstones/inbox.html", context)
