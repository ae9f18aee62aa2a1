"""The nightly link check end to end on a real Celery worker and a real Redis broker."""

import time

import pytest
from django.conf import settings
from django.db import connections

from stages.models import LinkCheck, LinkState, LinkStatus
from stages.tasks import check_links
from tests.factories import AdminFactory, ResourceFactory

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (a real broker)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def celery_app():
    from dlcurriculum.celery_app import app

    return app


@pytest.fixture
def celery_includes():
    return ["celery.contrib.testing.tasks", "stages.tasks"]


@pytest.fixture
def celery_worker_parameters():
    # The ping check needs a result backend; the app ignores results, so wait on the database instead.
    return {"queues": ("celery",), "perform_ping_check": False}


@pytest.fixture
def short_lived_connections():
    # The worker thread opens its own connection; close it after each task so the test DB can be dropped.
    db = connections.settings["default"]
    previous = db.get("CONN_MAX_AGE", 0)
    db["CONN_MAX_AGE"] = 0
    yield
    db["CONN_MAX_AGE"] = previous


def wait_for(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_worker_runs_the_link_check_and_mails_admins_once(
    short_lived_connections, fast_checks, web, celery_worker, mailoutbox
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
