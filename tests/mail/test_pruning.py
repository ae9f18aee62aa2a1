"""Records of sent e-mails are kept for SENT_EMAIL_RETENTION_DAYS, then pruned by the daily housekeeping."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dlcurriculum.mail.models import SentEmail
from dlcurriculum.retention import prune_expired

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
    assert prune_expired.apply().get()["sent e-mail records"] == 2
    assert list(SentEmail.objects.values_list("key", flat=True)) == [kept.key]


def test_a_queued_record_is_kept_whatever_its_age(settings):
    settings.SENT_EMAIL_RETENTION_DAYS = 30
    _record("queued", 400, "still-to-deliver")
    assert prune_expired.apply().get()["sent e-mail records"] == 0
    assert SentEmail.objects.filter(key="still-to-deliver").exists()
