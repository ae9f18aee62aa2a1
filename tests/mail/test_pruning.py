"""Records of sent e-mails are kept for SENT_EMAIL_RETENTION_DAYS, then pruned by a daily job."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dlcurriculum.mail.models import SentEmail
from dlcurriculum.mail.tasks import prune_sent_email_records

pytestmark = pytest.mark.django_db


def _record(status: str, age_days: float, key: str) -> SentEmail:
    return SentEmail.objects.create(
        to="ada@example.com", template="reminder", status=status, key=key,
        created_at=timezone.now() - timedelta(days=age_days),
    )  # fmt: skip


def test_sent_and_failed_records_past_the_retention_are_deleted(settings):
    settings.SENT_EMAIL_RETENTION_DAYS = 30
    _record("sent", 31, "old-sent")
    _record("failed", 40, "old-failed")
    kept = _record("sent", 29, "recent-sent")
    assert prune_sent_email_records.apply().get() == 2
    assert list(SentEmail.objects.values_list("key", flat=True)) == [kept.key]


def test_a_queued_record_is_kept_whatever_its_age(settings):
    settings.SENT_EMAIL_RETENTION_DAYS = 30
    _record("queued", 400, "still-to-deliver")
    assert prune_sent_email_records.apply().get() == 0
    assert SentEmail.objects.filter(key="still-to-deliver").exists()


def test_beat_prunes_sent_email_records_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["mail-prune-sent-emails"]
    assert entry["task"] == prune_sent_email_records.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({4}, {45})
