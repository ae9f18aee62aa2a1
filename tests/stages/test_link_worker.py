"""The nightly link check end to end on a real Celery worker and a real Redis broker."""

import time

import pytest

from stages.models import LinkCheck, LinkState, LinkStatus
from stages.tasks import check_links
from tests.factories import AdminFactory, ResourceFactory

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def celery_app(project_celery_app):
    return project_celery_app


def wait_for(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_worker_runs_the_link_check_and_mails_admins_once(
    worker_closes_db_connections, fast_checks, web, celery_worker, mailoutbox
):
    AdminFactory()
    ok = ResourceFactory(url=web.url("/ok"))
    gone = ResourceFactory(url=web.url("/gone"))

    check_links.delay()
    assert wait_for(lambda: LinkCheck.objects.count() == 2)
    check_links.delay()
    assert wait_for(lambda: LinkCheck.objects.count() == 4)
    assert wait_for(lambda: LinkStatus.objects.filter(admins_notified_at__isnull=False).exists())

    assert LinkStatus.objects.get(resource=ok).status == LinkState.OK
    gone_status = LinkStatus.objects.get(resource=gone)
    assert (gone_status.status, gone_status.flagged) == (LinkState.BROKEN, True)
    assert len(mailoutbox) == 1
    assert gone.url in mailoutbox[0].body


def test_worker_shares_a_run_out_in_batches_and_mails_admins_once_after_all_of_them(
    worker_closes_db_connections, fast_checks, web, celery_worker, mailoutbox
):
    fast_checks.LINKCHECK_BATCH_SIZE = 1
    AdminFactory()
    ok = ResourceFactory(url=web.url("/ok"))
    gone = ResourceFactory(url=web.url("/gone").replace("127.0.0.1", "localhost"))

    check_links.delay()
    assert wait_for(lambda: LinkCheck.objects.count() == 2)
    check_links.delay()
    assert wait_for(lambda: LinkStatus.objects.filter(admins_notified_at__isnull=False).exists())

    assert LinkCheck.objects.filter(resource=ok).count() == 2
    assert LinkCheck.objects.filter(resource=gone).count() == 2
    assert len(mailoutbox) == 1
    assert gone.url in mailoutbox[0].body
