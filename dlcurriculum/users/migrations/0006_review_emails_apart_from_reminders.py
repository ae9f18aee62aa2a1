from django.db import migrations, models


def keep_what_each_learner_chose(apps, schema_editor):
    """Until now turning reminders off stopped review e-mails too: whoever did keeps hearing nothing."""
    apps.get_model("users", "User").objects.filter(reminder_frequency="off").update(review_emails=False)


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0005_change_stamp"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="review_emails",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Messages on your capstones and, for mentors, new submissions and the weekly note on the "
                    "review queue. A verdict on your own capstone always comes."
                ),
                verbose_name="e-mails about capstone reviews",
            ),
        ),
        migrations.RunPython(keep_what_each_learner_chose, migrations.RunPython.noop),
    ]
