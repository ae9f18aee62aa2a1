"""A study group, its members, their messages and the reports of messages to staff."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

NAME_CHARS = 80
DESCRIPTION_CHARS = 500
REPORT_REASON_CHARS = 500
TOKEN_CHARS = 43  # secrets.token_urlsafe(32)


class StudyGroup(models.Model):
    """Learners taking the curriculum together; joined by its invite link, explicitly."""

    name = models.CharField(max_length=NAME_CHARS)
    description = models.TextField(max_length=DESCRIPTION_CHARS, blank=True)
    weekly_goal_hours = models.PositiveSmallIntegerField(
        "weekly goal (hours)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text="Hours the group means to study together each week (optional).",
    )
    start_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owned_study_groups")
    # The secret of the invite link; resetting it makes old links stop working.
    invite_token = models.CharField(max_length=TOKEN_CHARS, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """One learner in one group, with what they choose to share with it."""

    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_memberships")
    joined_at = models.DateTimeField(auto_now_add=True)
    hide_progress = models.BooleanField(
        "hide my progress from this group",
        default=False,
        help_text="The group sees your name only: no stages, activity, hours or capstones.",
    )
    group_news_in_reminders = models.BooleanField(
        "mention this group's week in my reminders",
        default=False,
        help_text="Counts only (\u201c3 of your group finished \u2026\u201d), never anyone's name.",
    )
    weekly_digest = models.BooleanField(
        "send me this group's weekly digest", default=False, help_text="One e-mail on Mondays; off by default."
    )

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="groups_membership_once")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id}"


class GroupMessage(models.Model):
    """A short message on the group page (Markdown, rendered through dlcurriculum.markdown)."""

    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="messages")
    # Kept when the author's account is erased, shown as "a former member" (README).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="group_messages"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [
            # The group page reads the latest messages by id (the order they were posted in).
            models.Index(fields=["group", "-id"], name="groups_message_latest"),
            models.Index(fields=["author", "created_at"], name="groups_message_by_author"),
        ]

    def __str__(self) -> str:
        return f"message {self.pk} in {self.group_id}"


class MessageReport(models.Model):
    """A member told the site's staff about a message (the admin lists the open ones)."""

    message = models.ForeignKey(GroupMessage, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_reports")
    reason = models.TextField(max_length=REPORT_REASON_CHARS, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["message", "reporter"], name="groups_report_once")]

    def __str__(self) -> str:
        return f"report of message {self.message_id}"
