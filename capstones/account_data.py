"""A person's capstone data for the account export, and what erasing the account does here.

Export: the learner's submissions, iterations (write-ups, reports), the reviews and
comments on them, their portfolio, and, for mentors, the decisions and comments
they wrote. Notebooks go into the zip as files. A fixed number of queries.

Erase: the learner's submissions, iterations, reports and notebooks go with the
account (CASCADE, files removed on commit by ``signals``). A mentor's reviews
and comments stay with the learners' submissions (SET_NULL: "a former mentor");
their claims go back to the queue first, since a submission in review must have one.
"""

from __future__ import annotations

from django.db.models import Prefetch

from dlcurriculum.users import changes, lifecycle

from .models import Comment, CriterionScore, Iteration, Notification, Portfolio, Review, Submission

Status = Submission.Status

_COMMENT = ("submission", "iteration", "author", "cell", "body", "created_at")
TABLES = {
    "submissions": ("capstone", "title", "problem", "status", "is_public", "description", "created_at", "approved_at"),
    "iterations": (
        "submission",
        "number",
        "created_at",
        "original_name",
        "notebook_file",
        "size",
        "sha256",
        "repository_url",
        "write_up",
        "report_status",
        "report_verdict",
        "report",
    ),
    "reviews_received": ("submission", "iteration", "decision", "mentor", "created_at", "scores"),
    "comments_received": _COMMENT,
    "portfolio": ("slug", "handle", "is_public", "headline", "allow_download", "show_scores"),
    "reviewing": ("learner_submission", "status", "claimed_at"),
    "reviews_given": ("learner_submission", "iteration", "decision", "created_at", "scores"),
    "comments_written": _COMMENT,
    "notifications": ("submission", "kind", "created_at", "read_at", "emailed_at"),
    "notifications_caused": ("submission", "kind", "created_at"),
}


def _iso(value):
    return value.isoformat() if value is not None else None


def _comment_row(comment: Comment) -> dict:
    return {
        "submission": comment.iteration.submission.title,
        "iteration": comment.iteration.number,
        "author": comment.author_name,
        "cell": comment.cell,
        "body": comment.body,
        "created_at": _iso(comment.created_at),
    }


def _scores(review) -> list[dict]:
    """A review's rubric scores as the export writes them (prefetched with their criterion and level)."""
    return [{"criterion": s.criterion.title, "level": s.level.label, "comment": s.comment} for s in review.scores.all()]


_SCORES = Prefetch("scores", queryset=CriterionScore.objects.select_related("criterion", "level"))


def notebook_archive_name(iteration: Iteration) -> str:
    return f"notebooks/submission-{iteration.submission_id}-iteration-{iteration.number}.ipynb"


def export_rows(user) -> dict[str, list[dict]]:
    """The tables of ``TABLES`` as plain rows (11 queries)."""
    submissions = list(
        Submission.objects.filter(learner=user)
        .select_related("brief", "idea")
        .prefetch_related(
            Prefetch(
                "iterations",
                queryset=Iteration.objects.select_related("report", "review__mentor").order_by("number"),
            ),
            Prefetch(
                "iterations__review__scores",
                queryset=CriterionScore.objects.select_related("criterion", "level"),
            ),
            Prefetch(
                "iterations__comments",
                queryset=Comment.objects.select_related("author", "iteration__submission"),
            ),
        )
        .order_by("created_at")
    )
    iterations, reviews_received, comments_received = [], [], []
    for submission in submissions:
        for iteration in submission.iterations.all():
            report = getattr(iteration, "report", None)
            iterations.append(
                {
                    "submission": submission.title,
                    "number": iteration.number,
                    "created_at": _iso(iteration.created_at),
                    "original_name": iteration.original_name,
                    "notebook_file": notebook_archive_name(iteration),
                    "size": iteration.size,
                    "sha256": iteration.sha256,
                    "repository_url": iteration.repository_url,
                    "write_up": iteration.write_up,
                    "report_status": report.status if report else "",
                    "report_verdict": report.verdict if report else "",
                    "report": report.data if report else {},
                }
            )
            review = getattr(iteration, "review", None)
            if review is not None:
                reviews_received.append(
                    {
                        "submission": submission.title,
                        "iteration": iteration.number,
                        "decision": review.decision,
                        "mentor": review.mentor_name,
                        "created_at": _iso(review.created_at),
                        "scores": _scores(review),
                    }
                )
            comments_received.extend(_comment_row(c) for c in iteration.comments.all() if c.author_id != user.pk)
    portfolio = Portfolio.objects.filter(learner=user).first()
    reviews_given = [
        {
            "learner_submission": review.iteration.submission.title,
            "iteration": review.iteration.number,
            "decision": review.decision,
            "created_at": _iso(review.created_at),
            "scores": _scores(review),
        }
        for review in Review.objects.filter(mentor=user)
        .select_related("iteration__submission")
        .prefetch_related(_SCORES)
        .order_by("created_at")
    ]
    comments_written = [
        _comment_row(c)
        for c in Comment.objects.filter(author=user)
        .select_related("author", "iteration__submission")
        .order_by("created_at", "pk")
    ]
    return {
        "submissions": [
            {
                "capstone": s.brief.title,
                "title": s.title,
                "problem": s.problem,
                "status": s.status,
                "is_public": s.is_public,
                "description": s.description,
                "created_at": _iso(s.created_at),
                "approved_at": _iso(s.approved_at),
            }
            for s in submissions
        ],
        "iterations": iterations,
        "reviews_received": reviews_received,
        "comments_received": comments_received,
        "portfolio": (
            [
                {
                    "slug": portfolio.slug,
                    "handle": portfolio.handle or "",
                    "is_public": portfolio.is_public,
                    "headline": portfolio.headline,
                    "allow_download": portfolio.allow_download,
                    "show_scores": portfolio.show_scores,
                }
            ]
            if portfolio
            else []
        ),
        "reviewing": [
            {"learner_submission": s.title, "status": s.status, "claimed_at": _iso(s.claimed_at)}
            for s in Submission.objects.filter(mentor=user).order_by("created_at")
        ],
        "reviews_given": reviews_given,
        "comments_written": comments_written,
        "notifications": [
            {
                "submission": n.submission.title,
                "kind": n.kind,
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
                "emailed_at": _iso(n.emailed_at),
            }
            for n in Notification.objects.filter(recipient=user).select_related("submission").order_by("created_at")
        ],
        # What the person's messages and decisions told others (the notices stay, without their name).
        "notifications_caused": [
            {"submission": n.submission.title, "kind": n.kind, "created_at": _iso(n.created_at)}
            for n in Notification.objects.filter(actor=user).select_related("submission").order_by("created_at")
        ],
    }


def notebook_files(user) -> list[tuple[str, object]]:
    """(name in the archive, stored file) for every notebook the learner uploaded (1 query)."""
    iterations = Iteration.objects.filter(submission__learner=user).only("submission_id", "number", "notebook")
    return [(notebook_archive_name(it), it.notebook) for it in iterations.order_by("submission_id", "number")]


@changes.atomic
def erase(user) -> None:
    """Prepare the account's deletion: the mentor's claims go back to the queue (their learners'
    dashboards show them waiting again)."""
    claims = Submission.objects.filter(mentor=user, status=Status.IN_REVIEW)
    learners = claims.values_list("learner_id", flat=True)
    changes.note_change(*learners)
    claims.update(status=Status.WAITING, mentor=None, claimed_at=None, held_for_mentor_until=None)


def register() -> None:
    lifecycle.register(
        "capstones",
        tables=TABLES,
        export=export_rows,
        erase=erase,
        files=notebook_files,
        models={
            "capstones.Submission.learner": (("submissions", "iterations", "reviews_received"), lifecycle.CASCADE),
            "capstones.Submission.mentor": (("reviewing",), lifecycle.KEPT),
            "capstones.Review.mentor": (("reviews_given",), lifecycle.KEPT),
            "capstones.Comment.author": (("comments_written", "comments_received"), lifecycle.KEPT),
            "capstones.Portfolio.learner": (("portfolio",), lifecycle.CASCADE),
            "capstones.Notification.recipient": (("notifications",), lifecycle.CASCADE),
            # Who wrote or decided: SET_NULL, the recipient keeps the notice without the name.
            "capstones.Notification.actor": (("notifications_caused",), lifecycle.KEPT),
        },
    )
