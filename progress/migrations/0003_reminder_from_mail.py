"""Reminders are part of a learner's progress: the model moves here from the mail app.
State only: the table (mail_reminder) keeps its name, indexes and rows; mail.0002 removes
the model from the mail app's state."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0002_why_prompt_dismissal"),
        ("mail", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Reminder",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("period", models.CharField(max_length=80)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed permanently"),
                                    ("cancelled", "Cancelled"),
                                ],
                                default="pending",
                                max_length=16,
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("not_before", models.DateTimeField(default=django.utils.timezone.now)),
                        ("claim", models.UUIDField(blank=True, editable=False, null=True)),
                        ("last_error", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reminders",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "mail_reminder",
                        "ordering": ["-created_at"],
                        "indexes": [
                            models.Index(fields=["user", "status", "not_before"], name="mail_reminder_due_idx"),
                            models.Index(fields=["claim"], name="mail_reminder_claim_idx"),
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "period"), name="mail_reminder_once_per_learner_period"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("status__in", ["pending", "sent", "failed", "cancelled"])),
                                name="mail_reminder_status_valid",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
