from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from stages.models import Resource

from . import completion, pace


class Status(models.TextChoices):
    # The values are the Django-free completion core's: one vocabulary for both.
    NOT_STARTED = completion.NOT_STARTED, "Not started"
    IN_PROGRESS = completion.IN_PROGRESS, "In progress"
    DONE = completion.DONE, "Done"
    SKIPPED = completion.SKIPPED, "Skipped"


class ResourceProgress(models.Model):
    """Where one learner stands on one resource. No row means "not started"."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    note = models.TextField(blank=True, max_length=10_000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # "Progress" is uncountable: Django's default plural reads "Resource progresss".
        verbose_name_plural = "resource progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "resource"], name="progress_one_row_per_learner_resource"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="progress_status_valid"),
        ]
        indexes = [models.Index(fields=["user", "-updated_at"], name="progress_user_recent_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.resource_id}={self.status}"


class Activity(models.Model):
    """One entry per change a learner makes; drives the activity chart and "last active"."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities")
    # Kept when an admin deletes the resource, so the learner's history stays whole.
    resource = models.ForeignKey(Resource, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="progress_act_user_time_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.created_at:%Y-%m-%d}"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed permanently"
    CANCELLED = "cancelled", "Cancelled"


class Reminder(models.Model):
    """One reminder for one learner and one period ("weekly:2026-W48", "inactive:<since>:<n>").

    The unique constraint is what makes a reminder go out once: every run, task
    retry or concurrent worker inserts the same (user, period) row and only the
    one that claims it while pending sends it.
    """

    Status = ReminderStatus

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    period = models.CharField(max_length=80)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Earliest time a run may (re)claim the row: the retry backoff, or the lease of a run that is sending it.
    not_before = models.DateTimeField(default=timezone.now)
    claim = models.UUIDField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Moved from the mail app; the table keeps its name and rows.
        db_table = "mail_reminder"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="mail_reminder_once_per_learner_period"),
            models.CheckConstraint(condition=Q(status__in=ReminderStatus.values), name="mail_reminder_status_valid"),
        ]
        # Partial: only the few rows still to send, or being sent, are indexed. A pass looks up its
        # batch's due rows (and a batch's claim) in them, at a cost that does not grow with every
        # reminder ever sent; a full index on status made the planner scan the whole table instead.
        indexes = [
            models.Index(
                fields=["user", "not_before"],
                condition=Q(status=ReminderStatus.PENDING),
                name="mail_reminder_pending_idx",
            ),
            models.Index(fields=["claim"], condition=Q(claim__isnull=False), name="mail_reminder_claimed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.period} ({self.status})"


class CompletionRecord(models.Model):
    """The learner finished the whole curriculum (every stage, capstones approved). Kept once
    earned, even if the curriculum grows later: it records what was finished and when."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="completion_record")
    completed_at = models.DateTimeField(default=timezone.now)
    # Private until the learner chooses to show it (on their portfolio).
    is_public = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.user_id} completed {self.completed_at:%Y-%m-%d}"


class PacePlan(models.Model):
    """The pace a learner means to keep: hours per week, or a date to finish by (exactly one).

    ``started_on`` is the learner's local day the plan was (re)stated: the hours
    planned and done are counted from it (progress.pace). ``started_at`` is the instant:
    work marked done before it, even earlier that same day, is the plan's baseline, not
    "ahead". It is stored rather than derived from the progress rows' timestamps because
    those move on (a resource marked done again later) while the plan's start does not;
    plans stated before it existed take their last change (``updated_at``, which moved
    only when the plan was restated).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pace_plan")
    hours_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    started_on = models.DateField()
    started_at = models.DateTimeField(default=timezone.now)
    # One more on every change: with the row's id, it names one state of the plan (the dashboard's cache key).
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Weekly study blocks in the calendar feed: weekdays (Monday 0 .. Sunday 6, as "0,2,4"), a local
    # start time and a length; all three or none. ``study_since`` is the day they were set: the
    # blocks' first week, so the recurring event keeps its start (calendar apps update, not duplicate).
    study_days = models.CharField(max_length=13, blank=True, default="")
    study_start = models.TimeField(null=True, blank=True)
    study_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    study_since = models.DateField(null=True, blank=True)
    # The calendar feed's secret (progress.calendar_feed): blank while the feed is off. The URL's token
    # is an HMAC over the user id and this secret, so a new secret (reset) ends every old URL. Never
    # exported: it is a credential, not the learner's data.
    feed_secret = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(hours_per_week__isnull=False) & Q(target_date__isnull=True))
                | (Q(hours_per_week__isnull=True) & Q(target_date__isnull=False)),
                name="progress_pace_hours_or_target",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True)
                | Q(hours_per_week__gte=pace.MIN_HOURS_PER_WEEK, hours_per_week__lte=pace.MAX_HOURS_PER_WEEK),
                name="progress_pace_hours_in_range",
            ),
            models.CheckConstraint(
                condition=Q(target_date__isnull=True) | Q(target_date__gt=F("started_on")),
                name="progress_pace_target_after_start",
            ),
            models.CheckConstraint(
                condition=(Q(study_days="") & Q(study_start__isnull=True) & Q(study_minutes__isnull=True))
                | (~Q(study_days="") & Q(study_start__isnull=False) & Q(study_minutes__gte=15, study_minutes__lte=720)),
                name="progress_pace_study_blocks_whole",
            ),
        ]

    def __str__(self) -> str:
        goal = f"{self.hours_per_week} h/week" if self.hours_per_week else f"by {self.target_date}"
        return f"{self.user_id}: {goal}"

    def as_core(self) -> pace.Plan:
        return pace.Plan(
            started_on=self.started_on,
            hours_per_week=self.hours_per_week,
            target_date=self.target_date,
            started_at=self.started_at,
        )


class Pause(models.Model):
    """Days on the learner's calendar (both ends included) with no work planned and no reminders."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pace_pauses")
    start = models.DateField()
    end = models.DateField()
    label = models.CharField(max_length=80, blank=True, help_text="e.g. holiday, exam month")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start", "end", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="progress_pause_ends_after_start"),
        ]
        indexes = [models.Index(fields=["user", "end"], name="progress_pause_user_end_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.start}..{self.end}"

    def as_core(self) -> pace.Pause:
        return pace.Pause(start=self.start, end=self.end)


class TimeSpent(models.Model):
    """How long one learner says a resource took them, asked once when they mark it done.

    ``minutes`` is None when the learner skipped the question: the row records that it was asked, so
    it is never asked again for that resource. Only aggregates of these rows are shown to anyone but
    the learner (the insight page, the plan's medians). A unit of a resource will get its own rows
    (a nullable ``unit`` beside ``resource``).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_spent")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="time_spent")
    minutes = models.PositiveIntegerField(null=True, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "time spent"
        constraints = [
            models.UniqueConstraint(fields=["user", "resource"], name="progress_time_spent_once_per_resource"),
            models.CheckConstraint(
                condition=Q(minutes__isnull=True) | Q(minutes__gte=15, minutes__lte=60_000),
                name="progress_time_spent_minutes_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.resource_id}={self.minutes if self.minutes is not None else 'skipped'}"
