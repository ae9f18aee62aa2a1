"""Reads for capstones, each in a fixed number of queries, plus who may see what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from dlcurriculum.shared_reads import SharedRead
from stages.models import CapstoneBrief

from .models import Comment, Iteration, Portfolio, Report, Review, Submission
from .policy import claim_is_stale, may_view

Status = Submission.Status


# --------------------------------------------------------------------------- permissions


def visible_submission(user, pk: int) -> Submission:
    """The submission, or 404 for anyone who may not see it (its existence is not revealed)."""
    submission = Submission.objects.select_related("brief__stage", "learner", "mentor", "idea").filter(pk=pk).first()
    if submission is None or not may_view(user, submission):
        raise Http404("No such submission.")
    return submission


# --------------------------------------------------------------------------- pages


def _latest(field: str):
    return Subquery(Iteration.objects.filter(submission=OuterRef("pk")).order_by("-number").values(field)[:1])


def review_queue() -> QuerySet[Submission]:
    """Everything waiting for or in review, oldest first, with the latest report's verdict."""
    return (
        Submission.objects.filter(status__in=[Status.WAITING, Status.IN_REVIEW])
        .select_related("learner", "mentor", "brief")
        .annotate(
            latest_number=_latest("number"),
            latest_verdict=_latest("report__verdict"),
            latest_report_status=_latest("report__status"),
        )
        .order_by("waiting_since", "pk")
    )


QUEUE_PAGE_SIZE = 25


def queue_page(user, page_number=None) -> Page:
    """One page of the queue (oldest first), each entry flagged `available` / `taken` / `mine`.

    Paginated so the page costs the same with ten or ten thousand submissions waiting.
    """
    now = timezone.now()
    page = Paginator(review_queue(), QUEUE_PAGE_SIZE).get_page(page_number)
    rows = page.object_list = list(page.object_list)
    for row in rows:
        stale = claim_is_stale(row, now)
        row.mine = row.status == Status.IN_REVIEW and row.mentor_id == user.pk and not stale
        row.taken = row.status == Status.IN_REVIEW and not stale and not row.mine
        row.available = (row.status == Status.WAITING or stale) and row.learner_id != user.pk
        row.verdict_label = Report.Verdict(row.latest_verdict).label if row.latest_verdict else "Report pending"
    return page


def learner_submissions(user) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(learner=user)
        .select_related("brief__stage", "idea", "mentor")
        .annotate(latest_number=_latest("number"), latest_verdict=_latest("report__verdict"))
        .order_by("brief__stage__order")
    )


def iteration_page(submission: Submission, number: int | None) -> tuple[Iteration, list[Iteration]]:
    """One iteration with its report, review and conversation, and the list of all iterations."""
    iterations = list(
        submission.iterations.select_related("report", "review__mentor")
        .prefetch_related(Prefetch("comments", queryset=Comment.objects.select_related("author")))
        .defer("rendered_html")
        .order_by("number")
    )
    if not iterations:
        raise Http404("No iteration yet.")
    if number is None:
        return iterations[-1], iterations
    for iteration in iterations:
        if iteration.number == number:
            return iteration, iterations
    raise Http404("No such iteration.")


def report_finished(iteration_id: int) -> bool:
    """Whether the automatic check has a result (done or failed) yet."""
    return Report.objects.filter(iteration_id=iteration_id).exclude(status=Report.Status.PENDING).exists()


def iteration_for_file(user, pk: int, number: int) -> Iteration:
    submission = visible_submission(user, pk)
    iteration = Iteration.objects.filter(submission=submission, number=number).first()
    if iteration is None:
        raise Http404("No such iteration.")
    iteration.submission = submission
    return iteration


def approved_iteration(submission: Submission) -> Iteration | None:
    return (
        Iteration.objects.filter(submission=submission, review__decision=Review.Decision.APPROVED)
        .select_related("review")
        .order_by("-number")
        .first()
    )


# --------------------------------------------------------------------------- portfolio


def public_portfolio(slug: str) -> tuple[Portfolio, list[Submission]]:
    portfolio = Portfolio.objects.select_related("learner").filter(slug=slug, is_public=True).first()
    if portfolio is None:
        raise Http404("No such portfolio.")
    approved = Iteration.objects.filter(review__decision=Review.Decision.APPROVED).select_related("review__mentor")
    submissions = list(
        Submission.objects.filter(learner=portfolio.learner, status=Status.APPROVED, is_public=True)
        .select_related("brief__stage", "idea")
        .prefetch_related(Prefetch("iterations", queryset=approved.order_by("-number"), to_attr="approved_iterations"))
        .order_by("brief__stage__order")
    )
    for submission in submissions:
        submission.approved_iteration = submission.approved_iterations[0] if submission.approved_iterations else None
    return portfolio, [s for s in submissions if s.approved_iteration]


def public_iteration(slug: str, pk: int) -> Iteration:
    _portfolio, submissions = public_portfolio(slug)
    for submission in submissions:
        if submission.pk == pk:
            iteration = submission.approved_iteration
            iteration.submission = submission
            return iteration
    raise Http404("Not public.")


# --------------------------------------------------------------------------- for other apps


@dataclass(frozen=True)
class CapstoneStatus:
    brief_key: str
    title: str
    stage_slug: str
    status: str  # "not_started" or a Submission.Status value
    status_label: str
    iterations: int
    verdict: str  # latest report verdict, "" while pending or not started
    url: str  # where the learner goes next: the submission, or the submit form
    effort_hours: float = 0.0  # the brief's estimate, for the learner's hours left


@dataclass(frozen=True)
class BriefSummary:
    pk: int
    key: str
    title: str
    stage_slug: str
    submit_url: str
    effort_hours: float = 0.0


def _brief_summaries() -> list[BriefSummary]:
    from django.urls import reverse

    return [
        BriefSummary(
            b.pk,
            b.key,
            b.title,
            b.stage.slug,
            reverse("capstones:submit", kwargs={"key": b.key}),
            float(b.effort_hours or 0),
        )
        for b in CapstoneBrief.objects.select_related("stage")
        .only("id", "key", "title", "effort_hours", "stage__slug")
        .order_by("stage__order")
    ]


# Shared by every dashboard; admins change briefs and stage slugs.
BRIEF_OUTLINE = SharedRead(
    "capstone-brief-outline:v2", _brief_summaries, models=["stages.CapstoneBrief", "stages.Stage"]
)


def capstone_status_for(user) -> list[CapstoneStatus]:
    """One entry per capstone, in curriculum order, for the progress dashboard (1 query,
    and 1 more when the briefs are not cached)."""
    briefs = BRIEF_OUTLINE.get()
    submissions = {}
    if user.is_authenticated:
        # Only what the summary shows; learner_submissions() loads far more for the learner's own pages.
        rows = (
            Submission.objects.filter(learner=user)
            .only("id", "brief_id", "status")
            .annotate(latest_number=_latest("number"), latest_verdict=_latest("report__verdict"))
        )
        submissions = {s.brief_id: s for s in rows}
    result = []
    for brief in briefs:
        submission = submissions.get(brief.pk)
        if submission is None:
            result.append(
                CapstoneStatus(
                    brief.key,
                    brief.title,
                    brief.stage_slug,
                    "not_started",
                    "Not submitted yet",
                    0,
                    "",
                    brief.submit_url,
                    brief.effort_hours,
                )
            )
        else:
            result.append(
                CapstoneStatus(
                    brief.key,
                    brief.title,
                    brief.stage_slug,
                    submission.status,
                    submission.get_status_display(),
                    submission.latest_number or 0,
                    submission.latest_verdict or "",
                    submission.get_absolute_url(),
                    brief.effort_hours,
                )
            )
    return result


def claim_expiry(submission: Submission):
    if submission.claimed_at is None:
        return None
    return submission.claimed_at + timedelta(days=settings.CAPSTONE_CLAIM_IDLE_DAYS)
