from django.db import migrations, models
from django.db.models import F
from django.utils import timezone


def from_last_change(apps, schema_editor):
    """A plan stated before this field existed: its last change is when it was (re)stated
    (restating the same plan saves nothing, so ``updated_at`` moved only with a new start)."""
    apps.get_model("progress", "PacePlan").objects.update(started_at=F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0008_resource_progress_plural"),
    ]

    operations = [
        migrations.AddField(
            model_name="paceplan",
            name="started_at",
            field=models.DateTimeField(default=timezone.now),
        ),
        migrations.RunPython(from_last_change, migrations.RunPython.noop),
    ]
