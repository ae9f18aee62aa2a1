from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    """A resubmission handed back to its mentor is held for them, not leased: "lease" is the word for a
    worker's hold on a job (dlcurriculum.leases, the outbox). Every row keeps its time."""

    dependencies = [
        ("capstones", "0008_mentors_told_decisions_seen"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="submission", name="capstones_submission_lease_only_in_review"),
        migrations.RenameField(model_name="submission", old_name="lease_until", new_name="held_for_mentor_until"),
        migrations.AddConstraint(
            model_name="submission",
            constraint=models.CheckConstraint(
                condition=Q(held_for_mentor_until__isnull=True) | Q(status="in_review"),
                name="capstones_submission_held_only_in_review",
            ),
        ),
    ]
