from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class SentEmailStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed permanently"


class SentEmail(models.Model):
    """What the app e-mailed to whom and why; failures stay here for the admin to see."""

    Status = SentEmailStatus

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="sent_emails"
    )
    to = models.CharField(max_length=1000, help_text="Recipients, comma-separated.")
    template = models.CharField(max_length=100)
    reason = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    # Callers that may run twice (retried tasks) pass a key so the mail goes out once.
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Outbox (dlcurriculum.mail.outbox): the same Message-ID on every attempt, so a retry after an
    # ambiguous failure is recognisably the same message.
    message_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    # The rendered message, kept until it is sent or refused for good (it may hold a sign-in link).
    message = models.JSONField(default=dict, blank=True, editable=False)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set while an attempt is under way; an attempt that died holds the message until then.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    maybe_delivered = models.BooleanField(
        default=False, help_text="An attempt failed after the server may have accepted the message."
    )

    class Meta:
        verbose_name = "e-mail"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SentEmailStatus.values), name="mail_sentemail_status_valid")
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="mail_sentemail_status_idx"),
            models.Index(fields=["next_attempt_at"], condition=Q(status="queued"), name="mail_sentemail_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.to} ({self.status})"
