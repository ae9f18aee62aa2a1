from django.db import migrations


class Migration(migrations.Migration):
    """The outbox's hold on a message is a lease like a job's (dlcurriculum.leases): one name for both."""

    dependencies = [
        ("mail", "0003_outbox_message_id_lease"),
    ]

    operations = [
        migrations.RenameField(model_name="sentemail", old_name="lease_until", new_name="lease_expires_at"),
    ]
