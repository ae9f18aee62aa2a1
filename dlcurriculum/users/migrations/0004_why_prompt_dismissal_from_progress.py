"""The "why" prompt is part of the account: its dismissal record moves here from the
progress app. State only: the table keeps its name and rows (progress.0004 removes the
model from the progress app's state)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0003_reminder_weekday"),
        ("progress", "0003_reminder_from_mail"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="WhyPromptDismissal",
                    fields=[
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="why_prompt_dismissal",
                                serialize=False,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        ("dismissed_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={"db_table": "progress_whypromptdismissal"},
                ),
            ],
        ),
    ]
