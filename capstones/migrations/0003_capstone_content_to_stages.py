"""The second half of stages.0003: submissions point at the briefs and ideas now owned
by the stages app, and the capstones app forgets the three models. No table changes;
the content types follow so permissions given on them stay attached."""

import django.db.models.deletion
from django.db import migrations, models

MOVED = ["framework", "capstonebrief", "projectidea"]


def move_content_types(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        # A content type the target app already has (created by a post_migrate) wins.
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def forwards(apps, schema_editor):
    move_content_types(apps, schema_editor, "capstones", "stages")


def backwards(apps, schema_editor):
    move_content_types(apps, schema_editor, "stages", "capstones")


class Migration(migrations.Migration):
    dependencies = [
        ("capstones", "0002_submissions_review_portfolio"),
        ("stages", "0003_capstone_content_from_capstones"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="submission",
                    name="brief",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="submissions",
                        to="stages.capstonebrief",
                    ),
                ),
                migrations.AlterField(
                    model_name="submission",
                    name="idea",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="One of the brief's project ideas, or empty for the learner's own problem.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="submissions",
                        to="stages.projectidea",
                    ),
                ),
                migrations.DeleteModel(name="ProjectIdea"),
                migrations.DeleteModel(name="CapstoneBrief"),
                migrations.DeleteModel(name="Framework"),
            ],
        ),
        migrations.RunPython(forwards, backwards, elidable=True),
    ]
