"""The nightly link check learns from the last one: answer times and validators recorded, then used."""

import pytest

from stages.linkhealth import selectors as link_selectors
from stages.linkhealth import services as link_services
from stages.linkhealth.checker import Previous
from stages.models import LinkCheck, LinkState, LinkStatus
from stages.tasks import _as_dict, _from_dict
from tests.factories import ResourceFactory
from tests.queries import assert_database_query_count

from .link_servers import PAGE_DATE

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_at_a_time(fast_checks):
    """One request at a time, so the order the checker chose is the order the server saw."""
    fast_checks.LINKCHECK_CONCURRENCY = 1
    fast_checks.LINKCHECK_PER_HOST_CONCURRENCY = 1
    return fast_checks


def test_a_run_records_each_links_answer_time_and_validators(fast_checks, web):
    tagged = ResourceFactory(url=web.url("/tagged/db-a"))
    dated = ResourceFactory(url=web.url("/dated"))
    gone = ResourceFactory(url=web.url("/gone"))
    link_services.run_link_check()
    statuses = {s.resource_id: s for s in LinkStatus.objects.all()}
    assert (statuses[tagged.pk].etag, statuses[tagged.pk].last_modified) == ('"v0"', "")
    assert (statuses[dated.pk].etag, statuses[dated.pk].last_modified) == ("", PAGE_DATE)
    assert (statuses[gone.pk].etag, statuses[gone.pk].last_modified) == ("", "")
    assert all(s.elapsed_seconds > 0 for s in statuses.values())
    assert all(check.elapsed_seconds > 0 for check in LinkCheck.objects.all())


def test_the_next_run_asks_conditionally_and_counts_the_304s_as_ok(fast_checks, web):
    tagged = ResourceFactory(url=web.url("/tagged/db-b"))
    ResourceFactory(url=web.url("/dated"))
    first = link_services.run_link_check()
    assert first.not_modified == 0
    summary = link_services.run_link_check()
    assert summary.not_modified == 2
    assert summary.counts == {"ok": 2}
    status = LinkStatus.objects.get(resource=tagged)
    assert (status.status, status.http_status, status.etag) == (LinkState.OK, 304, '"v0"')
    assert [r.if_none_match for r in web.state.paths("/tagged/db-b")] == ["", '"v0"']
    assert web.state.paths("/dated")[-1].if_modified_since == PAGE_DATE
    assert LinkStatus.objects.filter(not_modified=True).count() == 2


def test_the_staff_link_report_counts_the_links_answered_not_modified(fast_checks, web, admin_client):
    from django.urls import reverse

    ResourceFactory(url=web.url("/tagged/db-f"))
    ResourceFactory(url=web.url("/ok?n=db-g"))  # offers no validator: downloaded every time
    link_services.run_link_check()
    report = reverse("admin:stages_resource_link_report")
    assert link_selectors.link_report()["not_modified_count"] == 0
    link_services.run_link_check()
    html = " ".join(admin_client.get(report).content.decode().split())
    assert "1 of 2 links answered <q>not modified</q> on its last check" in html
    web.state.hits["db-f"] = 1  # the page changed: downloaded again, no longer counted
    link_services.run_link_check()
    assert link_selectors.link_report()["not_modified_count"] == 0


def test_the_next_run_starts_the_slowest_link_of_last_time_first(one_at_a_time, web):
    ResourceFactory(url=web.url("/ok?n=db-1"))
    ResourceFactory(url=web.url("/slow?s=0.2&n=db-2"))
    link_services.run_link_check()
    assert [r.path for r in web.state.requests] == ["/ok?n=db-1", "/slow?s=0.2&n=db-2"]
    web.reset()
    link_services.run_link_check()
    # The slow page sleeps 0.2 s: last time it took longer than the plain page.
    assert [r.path for r in web.state.requests] == ["/slow?s=0.2&n=db-2", "/ok?n=db-1"]


def test_a_page_that_stops_working_forgets_its_validators(fast_checks, web):
    resource = ResourceFactory(url=web.url("/flaky/db-c"))
    LinkStatus.objects.create(resource=resource, url=resource.url, etag='"old"', last_modified=PAGE_DATE)
    web.state.hits["db-c"] = 404
    link_services.run_link_check()
    status = LinkStatus.objects.get(resource=resource)
    assert (status.status, status.etag, status.last_modified) == (LinkState.BROKEN, "", "")


def test_an_edited_url_learns_nothing_from_the_old_ones_checks(fast_checks, web):
    resource = ResourceFactory(url=web.url("/tagged/db-d"))
    link_services.run_link_check()
    resource.url = web.url("/tagged/db-e")
    resource.save()
    link_services.reset_link_status(resource)
    # Nothing known: the new URL goes first among its host's, asked plainly.
    assert link_selectors.previous_checks([resource.pk]).get(resource.url, Previous()) == Previous()
    status = LinkStatus.objects.get(resource=resource)
    assert (status.elapsed_seconds, status.etag, status.last_modified) == (None, "", "")


def test_previous_checks_take_one_query_whatever_the_number_of_links(fast_checks):
    resources = [ResourceFactory(url=f"https://host{n % 3}.example/{n}") for n in range(12)]
    for n, resource in enumerate(resources):
        LinkStatus.objects.create(
            resource=resource, url=resource.url, last_checked="2026-12-01T00:00Z", elapsed_seconds=n / 10, etag=f'"{n}"'
        )
    unchecked = ResourceFactory(url="https://never.example/")
    with assert_database_query_count(1):
        history = link_selectors.previous_checks([r.pk for r in [*resources, unchecked]])
    assert history[resources[5].url] == Previous(elapsed=0.5, etag='"5"', last_modified="")
    assert unchecked.url not in history


def test_a_batchs_not_modified_count_survives_the_trip_to_the_runs_last_step():
    summary = link_services.RunSummary(checked=3, not_modified=2)
    assert _from_dict(_as_dict(summary)).not_modified == 2
    # A batch queued before this field existed counts none.
    old = {k: v for k, v in _as_dict(summary).items() if k != "not_modified"}
    assert _from_dict(old).not_modified == 0
