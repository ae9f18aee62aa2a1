"""Link health in the admin: columns, filter, the "check now" action and the staff-only report."""

import pytest
from django.urls import reverse
from django.utils import timezone

from stages.models import LinkState, LinkStatus
from tests.factories import ResourceFactory, StageFactory, UserFactory
from tests.queries import assert_database_query_count

pytestmark = pytest.mark.django_db

REPORT = "admin:stages_resource_link_report"
CHANGELIST = "admin:stages_resource_changelist"


@pytest.fixture
def admin_client_(client, staff):
    client.force_login(staff)
    return client


def flag(resource, status=LinkState.BROKEN, **kwargs):
    from django.utils import timezone

    defaults = {
        "url": resource.url,
        "status": status,
        "consecutive_failures": 2,
        "flagged": True,
        "flagged_at": timezone.now(),
        "last_checked": timezone.now(),
    }
    return LinkStatus.objects.create(resource=resource, **{**defaults, **kwargs})


def test_check_links_now_action_checks_the_selected_links(
    admin_client_, fast_checks, web, tasks_in_process, django_capture_on_commit_callbacks
):
    gone = ResourceFactory(url=web.url("/gone"))
    untouched = ResourceFactory(url=web.url("/ok"))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(
            reverse(CHANGELIST), {"action": "check_links_now", "_selected_action": [gone.pk]}, follow=True
        )
    assert "Checking 1 link(s)" in response.content.decode()
    assert LinkStatus.objects.get(resource=gone).status == LinkState.BROKEN
    assert not LinkStatus.objects.filter(resource=untouched).exists()


def test_changelist_shows_link_columns(admin_client_):
    resource = ResourceFactory()
    flag(resource, suggested_url="https://example.com/new-place")
    html = admin_client_.get(reverse(CHANGELIST)).content.decode()
    for text in [
        "link status",
        "last checked",
        "failures in a row",
        "suggested new url",
        "broken (flagged)",
        "https://example.com/new-place",
    ]:
        assert text in html.lower()


def test_changelist_filters_flagged_links(admin_client_):
    flagged = ResourceFactory(title="Rotten link")
    ResourceFactory(title="Healthy link")
    flag(flagged)
    html = admin_client_.get(reverse(CHANGELIST), {"link": "flagged"}).content.decode()
    assert "Rotten link" in html
    assert "Healthy link" not in html


def test_changelist_filters_by_link_status(admin_client_):
    flag(ResourceFactory(title="Shy site"), status=LinkState.UNVERIFIABLE, flagged=False, flagged_at=None)
    ResourceFactory(title="Never checked")
    html = admin_client_.get(reverse(CHANGELIST), {"link": "unverifiable"}).content.decode()
    assert "Shy site" in html
    assert "Never checked" not in html


def test_changelist_query_count_does_not_grow_with_resources(admin_client_):
    for extra in (2, 20):
        for resource in ResourceFactory.create_batch(extra, stage=StageFactory()):
            flag(resource)
        admin_client_.get(reverse(CHANGELIST))  # warm-up
        # The user, a savepoint pair (django-reversion's admin wraps the view), the stage filter,
        # two counts (filtered and total), then resources with stage and link state in one query.
        with assert_database_query_count(7):
            admin_client_.get(reverse(CHANGELIST))


def test_editing_the_url_in_the_admin_resets_the_flag(admin_client_):
    resource = ResourceFactory()
    flag(resource)
    change_url = reverse("admin:stages_resource_change", args=[resource.pk])
    form = admin_client_.get(change_url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"url": "https://example.com/the-fixed-link"})
    response = admin_client_.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    status = LinkStatus.objects.get(resource=resource)
    assert (status.flagged, status.url, status.status) == (False, "https://example.com/the-fixed-link", "unchecked")


def test_link_report_lists_flagged_links_for_staff(admin_client_):
    resource = ResourceFactory(title="The lost lecture")
    flag(resource, detail="HTTP 404", http_status=404)
    response = admin_client_.get(reverse(REPORT))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The lost lecture" in html
    assert "flagged since" in html


def test_link_report_redirects_anonymous_users_to_login(client):
    response = client.get(reverse(REPORT))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_link_report_is_refused_to_learners(learner_client):
    response = learner_client.get(reverse(REPORT))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_link_report_is_refused_to_staff_without_resource_permission(client):
    clerk = UserFactory(is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse(REPORT)).status_code == 403


def test_link_report_query_count_does_not_grow_with_links(admin_client_):
    for extra in (2, 20):
        for resource in ResourceFactory.create_batch(extra, stage=StageFactory()):
            flag(resource)
        admin_client_.get(reverse(REPORT))  # warm-up
        with assert_database_query_count(5):
            admin_client_.get(reverse(REPORT))


def test_change_page_shows_only_the_latest_checks_newest_first(admin_client_):
    from datetime import timedelta

    from django.utils import timezone

    from stages import admin as stages_admin
    from stages.models import LinkCheck

    resource = ResourceFactory()
    start = timezone.now() - timedelta(days=100)
    LinkCheck.objects.bulk_create(
        LinkCheck(
            resource=resource,
            url=resource.url,
            checked_at=start + timedelta(days=i),
            status=LinkState.OK,
            http_status=200,
            detail=f"run-{i:03d}",
        )
        for i in range(stages_admin.RECENT_CHECKS_SHOWN + 15)
    )
    html = admin_client_.get(reverse("admin:stages_resource_change", args=[resource.pk])).content.decode()
    newest, oldest_shown = stages_admin.RECENT_CHECKS_SHOWN + 14, 15
    assert f"run-{newest:03d}" in html
    assert f"run-{oldest_shown:03d}" in html
    assert f"run-{oldest_shown - 1:03d}" not in html
    assert html.index(f"run-{newest:03d}") < html.index(f"run-{oldest_shown:03d}")


def _checked_ok(resource):
    LinkStatus.objects.create(resource=resource, url=resource.url, status=LinkState.OK, last_checked=timezone.now())


def test_link_report_says_when_no_link_was_ever_checked(admin_client_):
    ResourceFactory.create_batch(2)
    html = admin_client_.get(reverse(REPORT)).content.decode()
    assert "No link has been checked yet" in html
    assert "Every" not in html


def test_link_report_counts_the_links_not_checked_yet_beside_the_good_ones(admin_client_):
    _checked_ok(ResourceFactory())
    ResourceFactory()
    html = admin_client_.get(reverse(REPORT)).content.decode()
    assert "Every checked link works; 1 link has not been checked yet." in html


def test_link_report_says_every_link_works_only_when_all_were_checked(admin_client_):
    for resource in ResourceFactory.create_batch(2):
        _checked_ok(resource)
    assert "<p>Every link works.</p>" in admin_client_.get(reverse(REPORT)).content.decode()


def test_link_report_says_when_links_were_last_checked_and_how_to_check_them_in_local_mode(admin_client_, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # local mode: no beat runs
    ResourceFactory()
    html = admin_client_.get(reverse(REPORT)).content.decode()
    assert "Last check: never." in html
    assert "<code>python manage.py check_links</code>" in html
    assert "Next scheduled check" not in html
    _checked_ok(ResourceFactory())
    html = admin_client_.get(reverse(REPORT)).content.decode()
    assert f"Last check: {timezone.localtime():%Y-%m-%d}" in html


def test_link_report_names_the_next_scheduled_check_when_beat_runs(admin_client_, settings):
    from datetime import UTC, datetime

    from celery.schedules import crontab

    from stages.linkhealth import selectors as link_selectors

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BEAT_SCHEDULE = {"check-links": {"task": "stages.tasks.check_links", "schedule": crontab(30, 3)}}
    before = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    after = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
    assert link_selectors.next_scheduled_check(before) == datetime(2026, 12, 7, 3, 30, tzinfo=UTC)
    assert link_selectors.next_scheduled_check(after) == datetime(2026, 12, 8, 3, 30, tzinfo=UTC)
    html = admin_client_.get(reverse(REPORT)).content.decode()
    assert "Next scheduled check:" in html
    assert "manage.py check_links" not in html
