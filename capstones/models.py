from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from stages.models import CapstoneBrief, ProjectIdea, RubricCriterion, RubricLevel

# Shown instead of the name of a mentor (or admin) who has deleted their account.
FORMER_MENTOR = "A former mentor"


def notebook_upload_to(instance: "Iteration", filename: str) -> str:
    # A random name: stored files are never overwritten and never guessable.
    import uuid

    return f"capstones/notebooks/{uuid.uuid4().hex}.ipynb"


class SubmissionStatus(models.TextChoices):
    # The automatic check runs before a mentor spends time on an iteration.
    CHECKING = "checking", "Automatic check running"
    RULES_BROKEN = "rules_broken", "Breaks the rules: change needed"
    WAITING = "waiting", "Waiting for review"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"


class Submission(models.Model):
    """A learner's work on one capstone; every upload is an Iteration of it."""

    Status = SubmissionStatus

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="capstone_submissions")
    brief = models.ForeignKey(CapstoneBrief, on_delete=models.PROTECT, related_name="submissions")
    title = models.CharField(max_length=200)
    idea = models.ForeignKey(
        # PROTECT: the problem a learner chose must not silently vanish from their submission.
        ProjectIdea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        help_text="One of the brief's project ideas, or empty for the learner's own problem.",
    )
    own_problem = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKING)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="capstone_reviews",
        help_text="The mentor reviewing (or who last reviewed) this submission; a resubmission goes back to them.",
    )
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the mentor claimed it or last acted on it; idle claims expire."
    )
    waiting_since = models.DateTimeField(
        default=timezone.now, help_text="When the latest iteration entered the queue (oldest first)."
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    is_public = models.BooleanField(
        "show in my public portfolio", default=False, help_text="Only approved capstones can be public."
    )
    held_for_mentor_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A resubmission handed back to the mentor who asked for changes returns to the queue "
        "at this time unless they act on it.",
    )
    description = models.TextField(
        "public description",
        max_length=10_000,
        blank=True,
        help_text="What the portfolio page says about this capstone (Markdown); editable at any time.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "brief"], name="capstones_submission_one_per_brief"),
            models.CheckConstraint(
                condition=Q(status__in=SubmissionStatus.values),
                name="capstones_submission_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=SubmissionStatus.IN_REVIEW) | Q(mentor__isnull=False, claimed_at__isnull=False),
                name="capstones_submission_review_has_mentor",
            ),
            # Checking (or kept back by a rule break), a resubmission remembers the mentor who
            # requested the changes (it goes back to them once it passes), unclaimed.
            models.CheckConstraint(
                condition=~Q(status__in=[SubmissionStatus.CHECKING, SubmissionStatus.RULES_BROKEN])
                | Q(claimed_at__isnull=True),
                name="capstones_submission_checking_unclaimed",
            ),
            models.CheckConstraint(
                condition=~Q(status=SubmissionStatus.WAITING) | Q(mentor__isnull=True, claimed_at__isnull=True),
                name="capstones_submission_waiting_unclaimed",
            ),
            models.CheckConstraint(
                condition=Q(status=SubmissionStatus.APPROVED, approved_at__isnull=False)
                | Q(~Q(status=SubmissionStatus.APPROVED), approved_at=None),
                name="capstones_submission_approved_has_date",
            ),
            models.CheckConstraint(
                condition=Q(is_public=False) | Q(status=SubmissionStatus.APPROVED),
                name="capstones_submission_public_if_approved",
            ),
            models.CheckConstraint(
                condition=Q(held_for_mentor_until__isnull=True) | Q(status=SubmissionStatus.IN_REVIEW),
                name="capstones_submission_held_only_in_review",
            ),
            models.CheckConstraint(
                condition=Q(idea__isnull=False, own_problem="") | Q(idea__isnull=True) & ~Q(own_problem=""),
                name="capstones_submission_one_problem",
            ),
        ]
        indexes = [models.Index(fields=["status", "waiting_since"], name="capstones_sub_queue_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.learner})"

    def get_absolute_url(self) -> str:
        return reverse("capstones:submission", kwargs={"pk": self.pk})

    @property
    def problem(self) -> str:
        return self.idea.title if self.idea_id else self.own_problem


class Iteration(models.Model):
    """One uploaded version of a submission. Never changed once created."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="iterations")
    number = models.PositiveSmallIntegerField()
    notebook = models.FileField(upload_to=notebook_upload_to, max_length=200)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    repository_url = models.URLField(max_length=500, blank=True)
    write_up = models.TextField(max_length=20_000)
    review_reason = models.TextField(
        max_length=2_000,
        blank=True,
        help_text="Why the learner asks for a human review although the automatic check found rule breaks.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="capstones_iteration_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="capstones_iteration_number_positive"),
            models.CheckConstraint(
                condition=Q(repository_url="")
                | Q(repository_url__startswith="http://")
                | Q(repository_url__startswith="https://"),
                name="capstones_iteration_repo_http",
            ),
        ]
        indexes = [models.Index(fields=["submission", "-number"], name="capstones_iteration_latest_idx")]

    def __str__(self) -> str:
        return f"{self.submission.title} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("capstones:iteration", kwargs={"pk": self.submission_id, "number": self.number})


class ReportStatus(models.TextChoices):
    PENDING = "pending", "Check running"
    DONE = "done", "Checked"
    FAILED = "failed", "Not checked automatically"


class ReportVerdict(models.TextChoices):
    PASS = "pass", "Pass"
    ATTENTION = "attention", "Needs attention"
    BREAKS_RULES = "breaks_rules", "Breaks the rules"


class Report(models.Model):
    """The automatic pre-review of an iteration, computed by a Celery job (see dlcurriculum.leases)."""

    Status = ReportStatus

    Verdict = ReportVerdict

    iteration = models.OneToOneField(Iteration, on_delete=models.CASCADE, related_name="report")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    verdict = models.CharField(max_length=16, choices=Verdict.choices, blank=True)
    data = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when a worker starts the check; the sweep leaves it alone until then."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReportStatus.values), name="capstones_report_status_valid"),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.DONE) & ~Q(verdict="") | ~Q(status=ReportStatus.DONE) & Q(verdict=""),
                name="capstones_report_verdict_when_done",
            ),
            models.CheckConstraint(
                condition=Q(status="failed") & ~Q(error="") | ~Q(status="failed") & Q(error=""),
                name="capstones_report_error_when_failed",
            ),
        ]
        indexes = [models.Index(fields=["status", "enqueued_at"], name="capstones_report_sweep_idx")]

    def __str__(self) -> str:
        return f"Report for {self.iteration}"


class RenderingStatus(models.TextChoices):
    PENDING = "pending", "Being prepared"
    DONE = "done", "Ready"
    FAILED = "failed", "Cannot be shown"


class Rendering(models.Model):
    """The sanitised HTML of an iteration's notebook, made once by a Celery job, never in a request."""

    Status = RenderingStatus

    iteration = models.OneToOneField(Iteration, on_delete=models.CASCADE, related_name="rendering")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    html = models.TextField(blank=True, editable=False)
    error = models.TextField(blank=True)
    # What changed since the previous iteration (none for the first): nbdime's cell-level diff,
    # made by the same job and sanitised like the notebook (notebooks.diff.diff_html).
    diff_summary = models.CharField(max_length=200, blank=True)
    diff_html = models.TextField(blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RenderingStatus.values), name="capstones_rendering_status_valid"
            ),
            models.CheckConstraint(condition=Q(status="done") | Q(html=""), name="capstones_rendering_html_when_done"),
            models.CheckConstraint(
                condition=Q(status="failed") & ~Q(error="") | ~Q(status="failed") & Q(error=""),
                name="capstones_rendering_error_when_failed",
            ),
        ]
        indexes = [models.Index(fields=["status", "enqueued_at"], name="capstones_rendering_sweep_idx")]

    def __str__(self) -> str:
        return f"Rendering of {self.iteration}"


class ReviewDecision(models.TextChoices):
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"


class Review(models.Model):
    """A mentor's decision on one iteration."""

    Decision = ReviewDecision

    iteration = models.OneToOneField(Iteration, on_delete=models.CASCADE, related_name="review")
    # The learner keeps the decision when the mentor deletes their account: "a former mentor".
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="capstone_decisions"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    created_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True, help_text="When the learner was e-mailed.")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=ReviewDecision.values), name="capstones_review_decision_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.iteration}"

    @property
    def mentor_name(self) -> str:
        return self.mentor.display_name if self.mentor_id else FORMER_MENTOR


class CriterionScore(models.Model):
    """A mentor's level on one rubric criterion in one review: the scores stay with the iteration
    the review decided on, so each iteration keeps the assessment it got.

    PROTECT: a criterion or level that scored a review cannot be deleted from the curriculum (the admin
    says so); it can be renamed or moved. ``review`` is where a peer review's scores will hang as well.
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="scores")
    level = models.ForeignKey(RubricLevel, on_delete=models.PROTECT, related_name="scores")
    comment = models.TextField(max_length=2_000, blank=True)

    class Meta:
        ordering = ["review", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="capstones_score_one_per_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.level_id} in {self.review_id}"


class Comment(models.Model):
    """Feedback on an iteration, general or on one cell; mentors and the learner talk here."""

    iteration = models.ForeignKey(Iteration, on_delete=models.CASCADE, related_name="comments")
    # Feedback stays with the learner's submission when its author deletes their account.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="capstone_comments"
    )
    body = models.TextField(max_length=10_000)
    cell = models.PositiveIntegerField(null=True, blank=True, help_text="1-based cell number, or empty for general.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cell__isnull=True) | Q(cell__gte=1), name="capstones_comment_cell_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Comment by {self.author_name} on {self.iteration}"

    @property
    def author_name(self) -> str:
        return self.author.display_name if self.author_id else FORMER_MENTOR


HANDLE_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{1,28}[a-z0-9])$"


class Portfolio(models.Model):
    """A learner's opt-in public page, at ``/u/<handle>/`` once they chose a handle.

    The random slug was the first shareable address; links with it keep working (they redirect).
    """

    learner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio")
    slug = models.SlugField(max_length=40, unique=True)
    handle = models.CharField(max_length=30, unique=True, null=True, blank=True)
    # The handle's skeleton (capstones.handles.skeleton): a new handle may not look like another's.
    handle_key = models.CharField(max_length=30, blank=True, db_index=True, editable=False)
    is_public = models.BooleanField(default=False)
    headline = models.CharField(max_length=200, blank=True)
    allow_download = models.BooleanField(
        "let visitors download my notebooks", default=False, help_text="From the public page of each capstone."
    )
    show_scores = models.BooleanField(
        "show the mentors' rubric scores",
        default=False,
        help_text="On the public page of each capstone: the levels its approving review gave.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(handle__isnull=True) | Q(handle__regex=HANDLE_PATTERN),
                name="capstones_portfolio_handle_format",
            ),
        ]

    def __str__(self) -> str:
        return f"Portfolio of {self.learner}"

    def get_absolute_url(self) -> str:
        if self.handle:
            return reverse("portfolio:home", kwargs={"handle": self.handle})
        return reverse("capstones:portfolio", kwargs={"slug": self.slug})


class ReleasedHandle(models.Model):
    """A handle a learner gave up, held for them for CAPSTONE_HANDLE_HOLD_DAYS: nobody else may take
    it (or a look-alike) meanwhile, and links with it lead to the learner's current page."""

    handle = models.CharField(max_length=30, db_index=True)
    handle_key = models.CharField(max_length=30, db_index=True)
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="released_handles")
    released_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-released_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.handle} (released {self.released_at:%Y-%m-%d})"


class NotificationKind(models.TextChoices):
    # To every mentor while nobody has claimed it; closed for the others when one claims it.
    READY = "ready", "Ready for review"
    REVIEW_ASKED = "review_asked", "Human review asked"
    RETURNED = "returned", "Back in the review queue"
    MESSAGE = "message", "New message"
    RESUBMISSION = "resubmission", "New iteration"
    DECISION = "decision", "Decision"
    LEASE_EXPIRED = "lease_expired", "Returned to the queue"
    IDLE_CLAIM = "idle_claim", "Waiting for your review"
    # Also what lets the previous mentor keep reading the conversation (policy.may_view).
    REASSIGNED = "reassigned", "Reassigned to another mentor"


class Notification(models.Model):
    """Something on a submission that waits for ``recipient``: shown in the app until they
    open the submission, and e-mailed in batches."""

    Kind = NotificationKind

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # A decision's notification says which decision it was.
    review = models.ForeignKey(Review, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(
        null=True, blank=True, help_text="When the recipient saw it listed on their Waiting page (it no longer counts)."
    )
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it went out by e-mail (or was settled without one)."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="capstones_notification_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(comment__isnull=True) | Q(kind=NotificationKind.MESSAGE),
                name="capstones_notification_comment_is_message",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="capstones_notif_unread_idx"),
            models.Index(fields=["recipient", "emailed_at"], name="capstones_notif_unsent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient} on {self.submission_id}"

    @property
    def what_happened(self) -> str:
        """One plain sentence for the Waiting page and the e-mails: who did what (load ``actor``,
        ``comment`` and ``review`` with it)."""
        who = self.actor.display_name if self.actor_id else ""
        if self.kind == NotificationKind.MESSAGE:
            where = f" on cell {self.comment.cell}" if self.comment_id and self.comment.cell else ""
            return f"{who or FORMER_MENTOR} commented{where}"
        if self.kind == NotificationKind.DECISION:
            if self.review_id and self.review.decision == ReviewDecision.APPROVED:
                return f"{who or FORMER_MENTOR} approved your capstone"
            if self.review_id:
                return f"{who or FORMER_MENTOR} asked for changes"
            return f"{who or FORMER_MENTOR} decided"
        return {
            NotificationKind.READY: f"{who or 'A learner'} submitted it; it is ready for review",
            NotificationKind.REVIEW_ASKED: f"{who or 'The learner'} asked for a human review over the check",
            NotificationKind.RETURNED: "It is back in the review queue, free to claim",
            NotificationKind.RESUBMISSION: f"{who or 'The learner'} uploaded a new iteration; it is back with you",
            NotificationKind.LEASE_EXPIRED: "Nobody acted on it in time, so it went back to the review queue",
            NotificationKind.IDLE_CLAIM: "It has waited for your review a while; release it if you cannot get to it",
            NotificationKind.REASSIGNED: f"{who or 'An admin'} gave this review to another mentor",
        }.get(self.kind, self.get_kind_display())
