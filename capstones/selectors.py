"""Reads for capstones, each in a fixed number of queries, plus who may see what."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from dlcurriculum.shared_reads import SharedRead
from stages.models import CapstoneBrief, RubricLevel

from .models import (
    Comment,
    CriterionScore,
    Iteration,
    Notification,
    Portfolio,
    ReleasedHandle,
    Rendering,
    Report,
    Review,
    Submission,
)
from .policy import claim_is_stale, is_reviewing, may_claim, may_view, mentors

Status = Submission.Status
_VERDICT_LABELS = dict(Report.Verdict.choices)


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
            latest_review_reason=_latest("review_reason"),
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
        row.mine = is_reviewing(user, row) and not stale
        row.taken = row.status == Status.IN_REVIEW and not stale and not row.mine
        row.available = may_claim(user, row, now)
        row.verdict_label = _VERDICT_LABELS.get(row.latest_verdict, row.latest_verdict) or "Check running"
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
        # The rendering's state, not its HTML: the page shows whether the notebook is ready.
        submission.iterations.select_related("report", "rendering", "review__mentor")
        .defer("rendering__html", "rendering__diff_html")
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


@dataclass(frozen=True)
class Conversation:
    """One page of a submission's messages over all its iterations, the latest page first:
    ``entries`` pairs each iteration with its messages on this page, in order."""

    entries: list[tuple[Iteration, list[Comment]]]
    page: int
    earlier_page: int | None
    later_page: int | None


def conversation_page(submission: Submission, iterations: list[Iteration], page) -> Conversation:
    """The page ``page`` (1 = the latest messages) of the conversation, in one query whatever its
    length: CAPSTONE_CONVERSATION_PAGE_SIZE messages, plus one to know whether earlier ones exist."""
    size = settings.CAPSTONE_CONVERSATION_PAGE_SIZE
    try:
        page = max(1, min(int(page), 100_000))
    except (TypeError, ValueError):
        page = 1
    rows = list(
        Comment.objects.filter(iteration__submission=submission)
        .select_related("author")
        .order_by("-created_at", "-pk")[(page - 1) * size : page * size + 1]
    )
    has_earlier = len(rows) > size
    rows = rows[:size][::-1]
    by_iteration: dict[int, list[Comment]] = {}
    for comment in rows:
        by_iteration.setdefault(comment.iteration_id, []).append(comment)
    if rows and page > 1:
        # Only the iterations this page's messages reach (the later ones are on later pages).
        first, last = rows[0].iteration_id, rows[-1].iteration_id
        numbers = {it.pk: it.number for it in iterations}
        shown = [it for it in iterations if numbers[first] <= it.number <= numbers[last]]
    else:
        shown = iterations
    return Conversation(
        entries=[(it, by_iteration.get(it.pk, [])) for it in shown],
        page=page,
        earlier_page=page + 1 if has_earlier else None,
        later_page=page - 1 if page > 1 else None,
    )


def report_cells(report: Report | None) -> int:
    """How many cells the automatic check counted (0 until it is done)."""
    if report is None or not isinstance(report.data, dict):
        return 0
    cells = report.data.get("cells", 0)
    return cells if isinstance(cells, int) and cells > 0 else 0


def rendering_of(iteration: Iteration) -> Rendering | None:
    return Rendering.objects.filter(iteration=iteration).first()


def job_status(iteration: Iteration) -> dict:
    """The state of an iteration's automatic check and rendering, in one query."""
    row = (
        Iteration.objects.filter(pk=iteration.pk)
        .values("report__status", "report__verdict", "rendering__status", "submission__status")
        .first()
    ) or {}
    return {
        "report": row.get("report__status") or Report.Status.PENDING,
        "verdict": row.get("report__verdict") or "",
        "rendering": row.get("rendering__status") or Rendering.Status.PENDING,
        "submission": row.get("submission__status") or "",
    }


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


def is_latest(iteration: Iteration) -> bool:
    """No later iteration of the same submission exists."""
    return not Iteration.objects.filter(submission_id=iteration.submission_id, number__gt=iteration.number).exists()


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


def public_capstone_links(user_ids) -> dict[int, list[tuple[str, str]]]:
    """Each learner's capstones they made public on their public portfolio with a handle, as (title,
    address) in stage order (1 query): what a study group may link to; nothing private."""
    from django.urls import reverse

    links: dict[int, list[tuple[str, str]]] = {}
    ids = list(user_ids)
    if not ids:
        return links
    rows = (
        Submission.objects.filter(
            learner_id__in=ids,
            status=Status.APPROVED,
            is_public=True,
            learner__portfolio__is_public=True,
            learner__portfolio__handle__isnull=False,
        )
        .order_by("learner_id", "brief__stage__order")
        .values_list("learner_id", "title", "brief__key", "brief__title", "learner__portfolio__handle")
    )
    for learner_id, title, key, brief_title, handle in rows:
        url = reverse("portfolio:capstone", kwargs={"handle": handle, "key": key})
        links.setdefault(learner_id, []).append((title or brief_title, url))
    return links


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
    verdict_label: str  # the verdict in words, from Report.Verdict
    url: str  # where the learner goes next: the submission, or the submit form
    approved_at: datetime | None = None  # when a mentor approved it (the pace plan counts it done that day)


@dataclass(frozen=True)
class BriefSummary:
    pk: int
    key: str
    title: str
    stage_slug: str
    submit_url: str


def _brief_summaries() -> list[BriefSummary]:
    from django.urls import reverse

    return [
        BriefSummary(b.pk, b.key, b.title, b.stage.slug, reverse("capstones:submit", kwargs={"key": b.key}))
        for b in CapstoneBrief.objects.select_related("stage")
        .only("id", "key", "title", "stage__slug")
        .order_by("stage__order")
    ]


# Shared by every dashboard; admins change briefs and stage slugs.
BRIEF_OUTLINE = SharedRead(
    "capstone-brief-outline:v1", _brief_summaries, models=["stages.CapstoneBrief", "stages.Stage"]
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
            .only("id", "brief_id", "status", "approved_at")
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
                    "",
                    brief.submit_url,
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
                    _VERDICT_LABELS.get(submission.latest_verdict or "", submission.latest_verdict or ""),
                    submission.get_absolute_url(),
                    submission.approved_at,
                )
            )
    return result


def approvals_for(user_ids: list[int]) -> dict[int, dict[int, datetime]]:
    """When each learner's capstone of each stage was approved (1 query): registered with
    stages.approvals for progress's pace reminders, which may not import capstones."""
    result: dict[int, dict[int, datetime]] = {}
    rows = Submission.objects.filter(learner_id__in=user_ids, status=Submission.Status.APPROVED).values_list(
        "learner_id", "brief__stage_id", "approved_at"
    )
    for learner_id, stage_id, approved_at in rows:
        result.setdefault(learner_id, {})[stage_id] = approved_at
    return result


def claim_expiry(submission: Submission):
    if submission.claimed_at is None:
        return None
    return submission.claimed_at + timedelta(days=settings.CAPSTONE_CLAIM_IDLE_DAYS)


# --------------------------------------------------------------------------- notifications


UNREAD_CACHE_SECONDS = 300


def unread_cache_key(user_id: int) -> str:
    return f"capstones:unread:v1:{user_id}"


def unread_count(user) -> int:
    """What waits for ``user``. The navigation shows it on every page, so it is kept in the cache
    (no query once known); services.forget_unread drops it whenever a notification is added or read."""
    from django.core.cache import cache

    if not user.is_authenticated:
        return 0
    key = unread_cache_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True, seen_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


QUEUE_COUNT_CACHE_KEY = "capstones:queue-count:v1"
# Dropped by every status change to or from waiting (services.forget_queue_count); the timeout
# only bounds what an edit outside the services (the admin's) leaves stale.
QUEUE_COUNT_CACHE_SECONDS = 60


def queue_count() -> int:
    """Submissions waiting for a mentor to claim them: the navigation shows it to every mentor on
    every page, so it is one cached figure for all of them (no query once known)."""
    from django.core.cache import cache

    count = cache.get(QUEUE_COUNT_CACHE_KEY)
    if count is None:
        count = Submission.objects.filter(status=Status.WAITING).count()
        cache.set(QUEUE_COUNT_CACHE_KEY, count, QUEUE_COUNT_CACHE_SECONDS)
    return count


def waiting_for(user) -> dict:
    """The inbox: notifications on submissions not opened since, newest first (``seen_at`` None:
    not listed here before), and a mentor's claims in review."""
    notifications = list(
        Notification.objects.filter(recipient=user, read_at__isnull=True)
        .select_related("submission__brief", "submission__learner", "actor", "comment__iteration", "review")
        .order_by("-created_at", "-pk")[:200]
    )
    claims = list(
        Submission.objects.filter(status=Status.IN_REVIEW, mentor=user)
        .select_related("brief", "learner")
        .order_by("claimed_at")
    )
    return {"notifications": notifications, "claims": claims}


# --------------------------------------------------------------------------- public pages by handle


def public_portfolio_by_handle(handle: str) -> tuple[Portfolio, list[Submission]]:
    portfolio = Portfolio.objects.filter(handle=handle, is_public=True).only("slug").first()
    if portfolio is None:
        raise Http404("No such portfolio.")
    return public_portfolio(portfolio.slug)


def reassign_choices(submission: Submission) -> QuerySet:
    """The mentors an active claim may be moved to (policy.may_review_instead), by name."""
    return mentors().exclude(pk__in=[submission.learner_id, submission.mentor_id]).order_by("name", "email")


def handle_in_use(handle: str) -> bool:
    return Portfolio.objects.filter(handle=handle).exists()


def renamed_portfolio(handle: str) -> Portfolio | None:
    """The public portfolio of the learner who last gave up ``handle`` (links shared with it lead
    there), for when nobody holds the handle now (1 query)."""
    released = (
        ReleasedHandle.objects.filter(handle=handle, portfolio__is_public=True, portfolio__handle__isnull=False)
        .select_related("portfolio")
        .only("portfolio__handle", "portfolio__slug", "portfolio__is_public")
        .first()
    )
    return released.portfolio if released else None


def public_capstone(handle: str, key: str) -> tuple[Portfolio, Submission]:
    portfolio, submissions = public_portfolio_by_handle(handle)
    for submission in submissions:
        if submission.brief.key == key:
            submission.approved_iteration.submission = submission
            return portfolio, submission
    raise Http404("Not public.")


# --------------------------------------------------------------------------- what changed


@dataclass
class IterationChanges:
    previous: Iteration
    ready: bool  # the rendering job has stored the diff (or could not make one)
    summary: str
    html: str  # sanitised by notebooks.diff.diff_html in the worker
    report: list[str]


def changes_since_previous(iteration: Iteration, iterations: list[Iteration]) -> IterationChanges | None:
    """The cell-level diff against the iteration before, as the rendering job stored it (never
    made here), and the automatic report's differences in words (from the two stored reports)."""
    from .notebooks import diff as notebook_diff

    previous = next((it for it in reversed(iterations) if it.number < iteration.number), None)
    if previous is None:
        return None
    stored = Rendering.objects.filter(iteration=iteration).values("status", "diff_summary", "diff_html").first()
    ready = bool(stored) and stored["status"] != Rendering.Status.PENDING
    old_report = getattr(previous, "report", None)
    new_report = getattr(iteration, "report", None)
    report = (
        notebook_diff.report_changes(old_report.data, new_report.data)
        if old_report and new_report and old_report.status == new_report.status == Report.Status.DONE
        else []
    )
    return IterationChanges(
        previous,
        ready,
        stored["diff_summary"] if ready else "",
        stored["diff_html"] if ready else "",
        report,
    )


# --------------------------------------------------------------------------- insight


@dataclass(frozen=True)
class StageReviewFigures:
    """How a capstone stage's submissions stand, for the maintainers' insight page."""

    approved_learners: int
    # Waiting for a mentor or being reviewed now.
    in_review: int
    changes_requested: int
    # From a submission's first iteration to its first decision, over submissions decided at least once.
    median_days_to_first_review: float | None


def approved_capstones() -> set[tuple[int, int]]:
    """(learner id, stage id) of every approved capstone (1 query): what the dashboards count."""
    return set(
        Submission.objects.filter(status=Status.APPROVED).values_list("learner_id", "brief__stage_id").distinct()
    )


def review_figures_by_stage() -> dict[int, StageReviewFigures]:
    """Per capstone stage id, its submissions' figures (2 grouped queries, whatever their number)."""
    counts = (
        Submission.objects.values("brief__stage_id")
        .annotate(
            approved=Count("learner_id", filter=Q(status=Status.APPROVED), distinct=True),
            in_review=Count("pk", filter=Q(status__in=[Status.WAITING, Status.IN_REVIEW])),
            changes=Count("pk", filter=Q(status=Status.CHANGES_REQUESTED)),
        )
        .order_by()
    )
    first_reviews = (
        Submission.objects.values("pk", "brief__stage_id")
        .annotate(submitted=Min("iterations__created_at"), reviewed=Min("iterations__review__created_at"))
        .filter(reviewed__isnull=False)
        .order_by()
    )
    days: dict[int, list[float]] = {}
    for row in first_reviews:
        days.setdefault(row["brief__stage_id"], []).append((row["reviewed"] - row["submitted"]).total_seconds() / 86400)
    return {
        row["brief__stage_id"]: StageReviewFigures(
            approved_learners=row["approved"],
            in_review=row["in_review"],
            changes_requested=row["changes"],
            median_days_to_first_review=(
                round(statistics.median(days[row["brief__stage_id"]]), 1) if row["brief__stage_id"] in days else None
            ),
        )
        for row in counts
    }


# --------------------------------------------------------------------------- rubric


@dataclass(frozen=True)
class RubricLevelView:
    pk: int
    order: int
    label: str
    description: str


@dataclass(frozen=True)
class RubricCriterionView:
    """A criterion of a brief's rubric with its levels, weakest first."""

    pk: int
    key: str
    title: str
    description: str
    levels: tuple[RubricLevelView, ...]

    @property
    def level_ids(self) -> frozenset[int]:
        return frozenset(level.pk for level in self.levels)


def _read_rubrics(brief_id: int | None = None) -> dict[int, list[RubricCriterionView]]:
    """Every brief's rubric (or one brief's) in order, in 1 query. A criterion an admin has not given
    levels yet cannot be scored, so it is not part of the rubric until it has some."""
    criteria: dict[int, tuple] = {}
    levels: dict[int, list[RubricLevelView]] = {}
    rows = RubricLevel.objects.select_related("criterion").order_by(
        "criterion__brief_id", "criterion__order", "criterion_id", "order", "pk"
    )
    if brief_id is not None:
        rows = rows.filter(criterion__brief_id=brief_id)
    for level in rows:
        c = level.criterion
        if c.pk not in criteria:
            criteria[c.pk] = (c.brief_id, c.key, c.title, c.description)
            levels[c.pk] = []
        levels[c.pk].append(RubricLevelView(level.pk, level.order, level.label, level.description))
    rubrics: dict[int, list[RubricCriterionView]] = {}
    for pk, (brief, key, title, description) in criteria.items():
        rubrics.setdefault(brief, []).append(RubricCriterionView(pk, key, title, description, tuple(levels[pk])))
    return rubrics


# Every mentor's review page and every learner's submit page read a rubric; only admins and
# load_curriculum change them. A few briefs of at most 12 criteria of 6 levels: small to keep whole.
RUBRICS = SharedRead("capstone-rubrics:v1", _read_rubrics, models=["stages.RubricCriterion", "stages.RubricLevel"])


def rubric_for(brief_id: int, *, fresh: bool = False) -> list[RubricCriterionView]:
    """The brief's rubric: from the shared cache (no query once known), or ``fresh`` from the
    database (1 query) where a write is checked against it."""
    rubrics = _read_rubrics(brief_id) if fresh else RUBRICS.get()
    return rubrics.get(brief_id, [])


@dataclass(frozen=True)
class ShownScore:
    """One criterion's score in a review, as the learner reads it: "In part (2 of 3)"."""

    criterion: str
    criterion_description: str
    level: str
    level_description: str
    rank: int  # the level's position, 1 the weakest
    of: int  # how many levels the criterion has now
    comment: str


def review_scores(review_id: int | None) -> list[ShownScore]:
    """A review's scores in the rubric's order (1 query; none for an iteration not reviewed)."""
    if review_id is None:
        return []
    level_total = Subquery(
        RubricLevel.objects.filter(criterion=OuterRef("criterion_id"))
        .order_by()
        .values("criterion_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    rank = Subquery(
        RubricLevel.objects.filter(criterion=OuterRef("criterion_id"), order__lte=OuterRef("level__order"))
        .order_by()
        .values("criterion_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    rows = (
        CriterionScore.objects.filter(review_id=review_id)
        .select_related("criterion", "level")
        .annotate(level_total=level_total, level_rank=rank)
        .order_by("criterion__order", "criterion_id")
    )
    return [
        ShownScore(
            criterion=s.criterion.title,
            criterion_description=s.criterion.description,
            level=s.level.label,
            level_description=s.level.description,
            rank=s.level_rank or 1,
            of=s.level_total or 1,
            comment=s.comment,
        )
        for s in rows
    ]
