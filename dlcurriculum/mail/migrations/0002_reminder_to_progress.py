"""The second half of progress.0003: the mail app forgets the Reminder model (the
table stays, now owned by progress); its content type follows so permissions stay attached."""

from django.db import migrations


def move_content_type(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=target, model="reminder").exists():
        ContentType.objects.filter(app_label=source, model="reminder").update(app_label=target)


def forwards(apps, schema_editor):
    move_content_type(apps, schema_editor, "mail", "progress")


def backwards(apps, schema_editor):
    move_content_type(apps, schema_editor, "progress", "mail")


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0001_initial"),
        ("progress", "0003_reminder_from_mail"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[], state_operations=[migrations.DeleteModel("Reminder")]
        ),
        migrations.RunPython(forwards, backwards, elidable=True),
    ]
