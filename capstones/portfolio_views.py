"""The learner's portfolio settings and the public portfolio pages (anyone may read them)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from dlcurriculum.drafts import login_required_keeping_text, mark_saved

from . import policy, selectors, services
from .forms import HANDLE_PLACEHOLDER, DescriptionForm, PortfolioForm
from .models import Submission
from .notebook_responses import PUBLIC_NOTEBOOK_CSP, download, notebook_response, stored_rendering
from .views import submission_page


@require_POST
@login_required_keeping_text(form_page=submission_page)
def visibility(request, pk):
    submission = get_object_or_404(Submission.objects.select_related("brief"), pk=pk, learner=request.user)
    public = request.POST.get("public") == "1"
    try:
        services.set_submission_public(submission, learner=request.user, public=public)
    except services.TransitionError as exc:
        messages.error(request, str(exc))
        return redirect(submission)
    if request.POST.get("from") != "portfolio":
        return redirect(submission)
    # From the portfolio settings: "Show" leads to the public page that now shows it.
    portfolio = services.portfolio_for(request.user)
    if not public:
        messages.success(request, f"“{submission.title}” is no longer on your portfolio.")
    elif not portfolio.is_public:
        messages.info(
            request,
            f"“{submission.title}” will be on your portfolio once it is public: tick “Make my portfolio page "
            "public” and save.",
        )
    elif portfolio.handle:
        return redirect("portfolio:capstone", handle=portfolio.handle, key=submission.brief.key)
    else:
        return redirect(portfolio)
    return redirect("capstones:portfolio_settings")


@login_required_keeping_text
def portfolio_settings(request):
    portfolio = services.portfolio_for(request.user)
    # The handle's help shows the real address: this site's, with the handle saved (or a placeholder).
    address = request.build_absolute_uri(reverse("portfolio:home", kwargs={"handle": HANDLE_PLACEHOLDER}))
    if request.method == "POST":
        form = PortfolioForm(request.POST, address=address, saved_handle=portfolio.handle)
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
            address=address,
            saved_handle=portfolio.handle,
            initial={
                "is_public": portfolio.is_public,
                "headline": portfolio.headline,
                "handle": portfolio.handle,
                "allow_download": portfolio.allow_download,
                "show_scores": portfolio.show_scores,
            },
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


def renamed(handle: str, rest: str = ""):
    """A link with a handle its learner gave up leads to their page under the new one; else 404."""
    portfolio = selectors.renamed_portfolio(handle)
    if portfolio is None:
        raise Http404("No such portfolio.")
    # Not permanent: once the hold is over, someone else may take the old handle.
    return redirect(portfolio.get_absolute_url() + rest)


def portfolio_context(request, portfolio, submissions) -> dict:
    """What ``capstones/portfolio.html`` shows; the page layer (dlcurriculum.pages.portfolio_pages)
    renders it with the learner's public completion record."""
    return {
        "portfolio": portfolio,
        "submissions": submissions,
        "page_url": request.build_absolute_uri(portfolio.get_absolute_url()),
    }


def public_capstone(request, handle, key):
    try:
        portfolio, submission = selectors.public_capstone(handle, key)
    except Http404:
        if selectors.handle_in_use(handle):
            raise
        return renamed(handle, f"{key}/")
    return render(
        request,
        "capstones/public_capstone.html",
        {
            "portfolio": portfolio,
            "submission": submission,
            "iteration": submission.approved_iteration,
            "may_download": policy.may_download_public(portfolio),
            # The learner's choice (portfolio settings): the approving review's scores, or nothing.
            "scores": selectors.review_scores(submission.approved_iteration.review.pk) if portfolio.show_scores else [],
            "page_url": request.build_absolute_uri(),
        },
    )


@never_cache
@xframe_options_sameorigin
def public_capstone_notebook(request, handle, key):
    _portfolio, submission = selectors.public_capstone(handle, key)
    return notebook_response(stored_rendering(submission.approved_iteration), csp=PUBLIC_NOTEBOOK_CSP)


@never_cache
def public_capstone_download(request, handle, key):
    portfolio, submission = selectors.public_capstone(handle, key)
    if not policy.may_download_public(portfolio):
        raise Http404("Not downloadable.")
    return download(submission.approved_iteration)


@never_cache
@xframe_options_sameorigin
def portfolio_notebook(request, slug, pk):
    iteration = selectors.public_iteration(slug, pk)
    return notebook_response(stored_rendering(iteration), csp=PUBLIC_NOTEBOOK_CSP)
