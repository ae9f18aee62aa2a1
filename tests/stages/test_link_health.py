"""Recording link checks: history, the N-in-a-row flag, overlapping runs, batching, the admins' mail."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stages.linkhealth import services as link_services
from stages.linkhealth.checker import LinkResult, Status
from stages.models import LinkCheck, LinkState, LinkStatus
from tests.factories import AdminFactory, ResourceFactory, UserFactory
from tests.queries import assert_database_query_count

pytestmark = pytest.mark.django_db


def result(url, status=Status.BROKEN, **kwargs):
    return LinkResult(url=url, status=status, **kwargs)


def record(resource, status=Status.BROKEN, started=None, **kwargs):
    started = started or timezone.now()
    return link_services.record_results(started, [(resource.pk, resource.url, result(resource.url, status, **kwargs))])


def status_of(resource) -> LinkStatus:
    return LinkStatus.objects.get(resource=resource)


def test_one_broken_check_does_not_flag(fast_checks):
    resource = ResourceFactory()
    record(resource)
    status = status_of(resource)
    assert (status.status, status.consecutive_failures, status.flagged) == (LinkState.BROKEN, 1, False)


def test_second_broken_check_in_a_row_flags(fast_checks):
    resource = ResourceFactory()
    record(resource)
    summary = record(resource, Status.TIMEOUT)
    assert status_of(resource).flagged
    assert summary.newly_flagged == [resource.pk]


def test_flag_threshold_is_a_setting(fast_checks):
    fast_checks.LINKCHECK_FAILURES_BEFORE_FLAG = 3
    resource = ResourceFactory()
    record(resource)
    record(resource)
    assert not status_of(resource).flagged
    record(resource)
    assert status_of(resource).flagged


def test_a_working_check_between_failures_restarts_the_count(fast_checks):
    resource = ResourceFactory()
    record(resource)
    record(resource, Status.OK)
    record(resource)
    status = status_of(resource)
    assert (status.consecutive_failures, status.flagged) == (1, False)


def test_unverifiable_neither_counts_nor_resets_the_streak(fast_checks):
    resource = ResourceFactory()
    record(resource)
    record(resource, Status.UNVERIFIABLE)
    record(resource)
    assert status_of(resource).flagged


def test_a_working_check_clears_the_flag(fast_checks):
    resource = ResourceFactory()
    record(resource)
    record(resource)
    record(resource, Status.REDIRECTED)
    status = status_of(resource)
    assert (status.flagged, status.flagged_at, status.consecutive_failures) == (False, None, 0)


def test_every_check_is_kept_in_the_history(fast_checks):
    resource = ResourceFactory()
    record(resource)
    record(resource, Status.OK, http_status=200)
    assert list(LinkCheck.objects.filter(resource=resource).values_list("status", flat=True)) == ["ok", "broken"]


def test_permanent_redirect_suggestion_is_stored(fast_checks):
    resource = ResourceFactory()
    record(resource, Status.REDIRECTED, suggested_url="https://example.com/new-home")
    assert status_of(resource).suggested_url == "https://example.com/new-home"


def test_overlapping_runs_record_each_check_once(fast_checks):
    resource = ResourceFactory()
    earlier_run = timezone.now() - timedelta(seconds=30)
    later_run = timezone.now()
    record(resource, started=later_run)
    summary = record(resource, started=earlier_run)
    assert summary.skipped == 1
    assert LinkCheck.objects.filter(resource=resource).count() == 1
    assert status_of(resource).consecutive_failures == 1


def test_consecutive_runs_both_count(fast_checks):
    resource = ResourceFactory()
    record(resource)
    record(resource)
    assert status_of(resource).consecutive_failures == 2


def test_result_for_an_old_url_is_not_recorded_after_the_url_changed(fast_checks):
    resource = ResourceFactory()
    old_url = resource.url
    started = timezone.now()
    resource.url = "https://example.com/fixed"
    resource.save()
    summary = link_services.record_results(started, [(resource.pk, old_url, result(old_url))])
    assert summary.skipped == 1
    assert not LinkCheck.objects.exists()


def test_changed_url_starts_a_fresh_streak(fast_checks):
    resource = ResourceFactory()
    record(resource)
    record(resource)
    resource.url = "https://example.com/moved-here"
    resource.save()
    record(resource)
    status = status_of(resource)
    assert (status.url, status.consecutive_failures, status.flagged) == (resource.url, 1, False)


@pytest.mark.parametrize("size", [3, 30])
def test_recording_a_batch_takes_a_constant_number_of_queries(fast_checks, size):
    resources = ResourceFactory.create_batch(size)
    record(resources[0])  # warm-up: content types, first status row
    rows = [(r.pk, r.url, result(r.url)) for r in resources]
    # savepoint, insert missing statuses, lock statuses, insert history, update statuses, release
    with assert_database_query_count(6):
        link_services.record_results(timezone.now(), rows)


def test_admins_get_one_summary_for_all_newly_broken_links(fast_checks, mailoutbox):
    admin = AdminFactory()
    UserFactory()  # a learner: must not get it
    resources = ResourceFactory.create_batch(3)
    for _ in range(2):
        for resource in resources:
            record(resource)
    assert link_services.notify_admins_of_broken_links() == 3
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [admin.email]
    assert "3 curriculum links newly broken" in message.subject
    assert all(r.url in message.body for r in resources)


def test_admins_are_not_told_twice_about_the_same_link(fast_checks, mailoutbox):
    AdminFactory()
    resource = ResourceFactory()
    record(resource)
    record(resource)
    link_services.notify_admins_of_broken_links()
    record(resource)
    assert link_services.notify_admins_of_broken_links() == 0
    assert len(mailoutbox) == 1


def test_no_mail_when_nothing_newly_broke(fast_checks, mailoutbox):
    AdminFactory()
    record(ResourceFactory())
    assert link_services.notify_admins_of_broken_links() == 0
    assert mailoutbox == []


def test_run_checks_every_resource_against_a_real_server(fast_checks, web):
    ok = ResourceFactory(url=web.url("/ok"))
    gone = ResourceFactory(url=web.url("/gone"))
    summary = link_services.run_link_check()
    assert summary.counts == {"ok": 1, "broken": 1}
    assert status_of(ok).status == LinkState.OK
    assert status_of(gone).http_status == 410


def test_run_checks_a_url_shared_by_resources_once(fast_checks, web):
    first = ResourceFactory(url=web.url("/ok"))
    ResourceFactory(url=first.url)  # same link in another stage
    link_services.run_link_check()
    assert len(web.state.paths("/ok")) == 1
    assert LinkStatus.objects.filter(status=LinkState.OK).count() == 2


def test_two_nightly_runs_flag_and_mail_admins(fast_checks, web, mailoutbox):
    AdminFactory()
    ResourceFactory(url=web.url("/not-found"), title="The vanished course")
    link_services.run_link_check()
    assert mailoutbox == []
    summary = link_services.run_link_check()
    assert summary.notified == 1
    assert len(mailoutbox) == 1
    assert "The vanished course" in mailoutbox[0].body
    assert "The vanished course" in mailoutbox[0].alternatives[0][0]


def test_private_address_is_invalid_in_production_mode(fast_checks, web):
    fast_checks.LINKCHECK_ALLOW_PRIVATE_ADDRESSES = False
    resource = ResourceFactory(url=web.url("/ok"))
    link_services.run_link_check()
    assert status_of(resource).status == LinkState.INVALID
    assert web.state.requests == []


def test_clearing_a_flag_hides_it(fast_checks):
    resource = ResourceFactory()
    record(resource)
    record(resource)
    assert link_services.clear_flags([resource.pk]) == 1
    assert not status_of(resource).flagged


def test_summary_mail_queued_while_smtp_is_down_goes_out_when_it_is_back_without_a_second_summary(
    fast_checks, web, mailoutbox, time_machine
):
    from dlcurriculum.mail import outbox

    from .link_servers import closed_port

    AdminFactory()
    ResourceFactory(url=web.url("/gone"))
    link_services.run_link_check()
    fast_checks.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    fast_checks.EMAIL_HOST, fast_checks.EMAIL_PORT, fast_checks.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    assert link_services.run_link_check().notified == 1  # recorded in the outbox; SMTP down, nothing sent
    assert mailoutbox == []
    fast_checks.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    time_machine.move_to(timezone.now() + timedelta(minutes=2), tick=False)
    outbox.deliver_due()
    assert link_services.run_link_check().notified == 0
    assert len(mailoutbox) == 1


def test_beat_runs_the_link_check_daily_by_default(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["check-links"]
    assert entry["task"] == "stages.tasks.check_links"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {30})


def test_malformed_schedule_setting_is_a_clear_configuration_error():
    from django.core.exceptions import ImproperlyConfigured

    from dlcurriculum.settings.jobs import _crontab

    with pytest.raises(ImproperlyConfigured, match="LINKCHECK_SCHEDULE"):
        _crontab("every day at three")


def test_malformed_stored_url_is_recorded_invalid_and_the_run_goes_on(fast_checks, web):
    broken_input = ResourceFactory(url="http://[not-a-host/page")
    fine = ResourceFactory(url=web.url("/ok"))
    summary = link_services.run_link_check()
    assert status_of(broken_input).status == LinkState.INVALID
    assert status_of(fine).status == LinkState.OK
    assert summary.checked == 2
