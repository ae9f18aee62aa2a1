"""What learners see on a stage page when a resource's link is flagged."""

import pytest
from django.utils import timezone

from stages.models import LinkState, LinkStatus
from tests.factories import ResourceFactory, StageFactory
from tests.queries import assert_database_query_count

pytestmark = pytest.mark.django_db


def flag(resource):
    now = timezone.now()
    return LinkStatus.objects.create(
        resource=resource,
        url=resource.url,
        status=LinkState.BROKEN,
        consecutive_failures=2,
        flagged=True,
        flagged_at=now,
        last_checked=now,
    )


def page(client, stage):
    return client.get(stage.get_absolute_url()).content.decode()


def test_flagged_resource_shows_the_badge_with_an_archive_link(learner_client):
    resource = ResourceFactory(url="https://example.com/old-course")
    flag(resource)
    html = page(learner_client, resource.stage)
    assert "This link may be broken" in html
    assert 'href="https://web.archive.org/web/https://example.com/old-course"' in html


def test_unflagged_resource_has_no_badge(learner_client):
    resource = ResourceFactory()
    LinkStatus.objects.create(resource=resource, url=resource.url, status=LinkState.BROKEN, consecutive_failures=1)
    assert "This link may be broken" not in page(learner_client, resource.stage)


def test_badge_disappears_once_an_admin_changes_the_url(learner_client):
    resource = ResourceFactory()
    flag(resource)
    resource.url = "https://example.com/new-home"
    resource.save()
    assert "This link may be broken" not in page(learner_client, resource.stage)


def test_anonymous_visitors_see_the_badge_too(client):
    resource = ResourceFactory()
    flag(resource)
    assert "This link may be broken" in page(client, resource.stage)


def test_stage_page_queries_do_not_grow_with_flagged_resources(learner_client):
    stage = StageFactory()
    for extra in (2, 20):
        for resource in ResourceFactory.create_batch(extra, stage=stage):
            flag(resource)
        page(learner_client, stage)  # warm-up
        with assert_database_query_count(5):
            page(learner_client, stage)


def test_never_checked_resource_has_no_badge(client):
    resource = ResourceFactory()
    response = client.get(resource.stage.get_absolute_url())
    assert response.status_code == 200
    assert resource.title in response.content.decode()
    assert "This link may be broken" not in response.content.decode()
