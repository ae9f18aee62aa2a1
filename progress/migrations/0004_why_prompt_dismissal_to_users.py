"""The second half of users.0004: the progress app forgets WhyPromptDismissal (the table
stays, now owned by users); its content type follows so permissions stay attached."""

from django.db import migrations


def move_content_type(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=target, model="whypromptdismissal").exists():
        ContentType.objects.filter(app_label=source, model="whypromptdismissal").update(app_label=target)


def forwards(apps, schema_editor):
    move_content_type(apps, schema_editor, "progress", "users")


def backwards(apps, schema_editor):
    move_content_type(apps, schema_editor, "users", "progress")


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0003_reminder_from_mail"),
        ("users", "0004_why_prompt_dismissal_from_progress"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[], state_operations=[migrations.DeleteModel("WhyPromptDismissal")]
        ),
        migrations.RunPython(forwards, backwards, elidable=True),
    ]
