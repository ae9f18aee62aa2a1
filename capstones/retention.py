"""What of the capstones' data expires (registered with dlcurriculum.retention in CapstonesConfig.ready)."""

from datetime import datetime, timedelta

from django.conf import settings

from capstones.models import Notification


def expired_notifications(now: datetime):
    """Notifications read more than ``NOTIFICATION_RETENTION_DAYS`` ago and settled by e-mail.

    An unread one is still waiting for its reader (the unread count, the "waiting" page), and one
    not yet e-mailed is still due to go out in a digest, so neither expires, whatever its age.
    """
    cutoff = now - timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    return Notification.objects.filter(read_at__lt=cutoff, emailed_at__isnull=False)
