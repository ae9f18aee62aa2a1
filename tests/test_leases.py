"""dlcurriculum.leases: a job row is held by one worker at a time, and only lost work is swept."""

from datetime import timedelta

import pytest
from django.utils import timezone

from capstones.models import Report
from dlcurriculum.leases import Lease
from tests import factories


@pytest.fixture
def lease():
    return Lease(Report, key="iteration_id", duration=timedelta(seconds=90), grace=timedelta(seconds=60))


@pytest.fixture
def job(db):
    iteration = factories.IterationFactory()
    return Report.objects.create(iteration=iteration, enqueued_at=timezone.now())


def test_the_first_worker_gets_the_job_and_a_second_does_not(lease, job):
    assert lease.acquire(job.iteration_id) == 1
    assert lease.acquire(job.iteration_id) is None


def test_an_expired_lease_can_be_taken_again(lease, job):
    now = timezone.now()
    lease.acquire(job.iteration_id, now=now)
    assert lease.acquire(job.iteration_id, now=now + timedelta(seconds=91)) == 2


def test_a_finished_job_is_never_acquired(lease, job):
    Report.objects.filter(pk=job.pk).update(status="done", verdict="pass")
    assert lease.acquire(job.iteration_id) is None


def test_a_held_job_is_not_lost(lease, job):
    now = timezone.now()
    lease.acquire(job.iteration_id, now=now)
    assert not lease.lost(now=now + timedelta(seconds=89)).exists()
    assert lease.lost(now=now + timedelta(seconds=91)).exists()


def test_a_job_never_started_is_lost_only_after_the_grace(lease, job):
    assert not lease.lost(now=job.enqueued_at + timedelta(seconds=59)).exists()
    assert lease.lost(now=job.enqueued_at + timedelta(seconds=61)).exists()


def test_renewing_keeps_a_long_job_held(lease, job):
    now = timezone.now()
    lease.acquire(job.iteration_id, now=now)
    assert lease.renew(job.iteration_id, now=now + timedelta(seconds=80))
    assert not lease.lost(now=now + timedelta(seconds=160)).exists()


def test_releasing_after_an_ordinary_error_does_not_count_the_attempt(lease, job):
    lease.acquire(job.iteration_id)
    assert lease.release(job.iteration_id)
    assert Report.objects.get(pk=job.pk).attempts == 0
    assert lease.acquire(job.iteration_id) == 1
