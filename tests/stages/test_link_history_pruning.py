"""Link check history is kept for LINKCHECK_HISTORY_DAYS, then pruned by the daily housekeeping."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dlcurriculum.retention import prune_expired
from stages.models import LinkCheck
from tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def _check(resource, age_days: float) -> LinkCheck:
    return LinkCheck.objects.create(
        resource=resource, url=resource.url, checked_at=timezone.now() - timedelta(days=age_days), status="ok"
    )


def test_checks_older_than_the_retention_are_deleted_and_recent_ones_kept(settings):
    settings.LINKCHECK_HISTORY_DAYS = 30
    resource = ResourceFactory()
    old, recent = _check(resource, 31), _check(resource, 29)
    assert prune_expired.apply().get()["link check history"] == 1
    assert list(LinkCheck.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not LinkCheck.objects.filter(pk=old.pk).exists()


def test_pruning_leaves_the_current_link_status_alone(settings):
    from stages.models import LinkStatus

    settings.LINKCHECK_HISTORY_DAYS = 1
    resource = ResourceFactory()
    status = LinkStatus.objects.create(resource=resource, url=resource.url, status="broken", consecutive_failures=3)
    _check(resource, 10)
    prune_expired.apply().get()
    status.refresh_from_db()
    assert (status.status, status.consecutive_failures) == ("broken", 3)
