"""A link check of many links is shared out in batches to the workers; the admins still get one summary."""

import pytest

from stages.linkhealth.services import plan_batches
from stages.models import LinkCheck, LinkState, LinkStatus
from stages.tasks import check_links
from tests.factories import AdminFactory, ResourceFactory


def test_all_links_of_a_host_land_in_one_batch():
    targets = [(1, "https://a.org/1"), (2, "https://b.org/1"), (3, "https://A.org/2"), (4, "https://b.org/2")]
    batches = plan_batches(targets, size=2)
    assert sorted(map(sorted, batches)) == [[1, 3], [2, 4]]


def test_a_host_with_more_links_than_a_batch_gets_a_batch_of_its_own():
    targets = [(i, f"https://big.org/{i}") for i in range(5)] + [(9, "https://small.org/")]
    assert plan_batches(targets, size=2) == [[0, 1, 2, 3, 4], [9]]


def test_every_link_is_in_exactly_one_batch():
    targets = [(i, f"https://host{i % 7}.org/{i}") for i in range(100)] + [(100, "not a url ::"), (101, "")]
    batches = plan_batches(targets, size=10)
    assert sorted(pk for batch in batches for pk in batch) == list(range(102))


def test_batches_stay_within_the_size_when_hosts_allow():
    targets = [(i, f"https://host{i}.org/") for i in range(25)]
    assert [len(b) for b in plan_batches(targets, size=10)] == [10, 10, 5]


@pytest.mark.django_db
def test_a_run_larger_than_a_batch_records_every_link_once_and_mails_admins_once(
    tasks_in_process, fast_checks, web, mailoutbox
):
    fast_checks.LINKCHECK_BATCH_SIZE = 1
    AdminFactory()
    ok = ResourceFactory(url=web.url("/ok"))
    gone = ResourceFactory(url=web.url("/gone").replace("127.0.0.1", "localhost"))

    assert check_links.delay().get() == {"batches": 2}
    check_links.delay()

    assert LinkCheck.objects.filter(resource=ok).count() == 2
    assert LinkCheck.objects.filter(resource=gone).count() == 2
    assert LinkStatus.objects.get(resource=ok).status == LinkState.OK
    assert LinkStatus.objects.get(resource=gone).flagged
    assert len(mailoutbox) == 1
    assert gone.url in mailoutbox[0].body
