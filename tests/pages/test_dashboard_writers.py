"""Every writer of what the dashboard shows moves the learner's change stamp: the cached
dashboard never shows a state the learner has left, whatever wrote the change."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from progress import services
from progress.models import Pause, ResourceProgress, Status
from stages.models import Resource
from tests.queries import assert_database_query_count

pytestmark = pytest.mark.django_db


def page(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response


def html(client) -> str:
    return page(client).content.decode()


def first_resource():
    return Resource.objects.filter(optional=False).order_by("stage__order", "order").first()


def today():
    return timezone.localdate()


def test_opening_a_resource_shows_at_once(learner_client, learner, curriculum):
    resource = Resource.objects.filter(optional=False).order_by("stage__order", "order")[2]
    assert page(learner_client).context["dashboard"].resume != resource
    services.open_resource(learner, resource)
    assert page(learner_client).context["dashboard"].resume == resource


def test_a_new_pace_plan_shows_at_once(learner_client, learner, curriculum):
    page(learner_client)
    services.set_pace_plan(learner, today=today(), hours_per_week=5)
    assert page(learner_client).context["dashboard"].pace is not None


def test_a_changed_pace_plan_shows_at_once(learner_client, learner, curriculum):
    services.set_pace_plan(learner, today=today(), hours_per_week=5)
    before = page(learner_client).context["dashboard"].pace.finish
    services.set_pace_plan(learner, today=today(), hours_per_week=20)
    assert page(learner_client).context["dashboard"].pace.finish < before


def test_a_cleared_pace_plan_shows_at_once(learner_client, learner, curriculum):
    services.set_pace_plan(learner, today=today(), hours_per_week=5)
    page(learner_client)
    services.clear_pace_plan(learner)
    assert page(learner_client).context["dashboard"].pace is None


def test_an_added_pause_shows_at_once(learner_client, learner, curriculum):
    page(learner_client)
    services.add_pause(learner, start=today(), end=today() + timedelta(days=3))
    assert "Paused until" in html(learner_client)


def test_a_removed_pause_shows_at_once(learner_client, learner, curriculum):
    pause = services.add_pause(learner, start=today(), end=today() + timedelta(days=3))
    assert "Paused until" in html(learner_client)
    services.remove_pause(learner, pause.pk)
    assert "Paused until" not in html(learner_client)


def test_a_completion_record_made_public_shows_at_once(learner_client, learner, curriculum):
    services.record_completion(learner, public=False)
    assert page(learner_client).context["dashboard"].completion_record.is_public is False
    services.record_completion(learner, public=True)
    assert page(learner_client).context["dashboard"].completion_record.is_public is True


def test_a_new_time_zone_builds_the_dashboard_anew(learner_client, learner, curriculum):
    page(learner_client)
    learner.timezone = "Pacific/Kiritimati"
    learner.save()
    # The time zone is in the key (the chart's days and the pace's today are the learner's):
    # the user, then the whole build, not the entry cached under UTC.
    with assert_database_query_count(8):
        page(learner_client)


def test_a_new_why_shows_at_once(learner_client, learner, curriculum):
    page(learner_client)
    learner_client.post(reverse("users:why"), {"why": "To build my own speech model"})
    assert "To build my own speech model" in html(learner_client)


def test_a_progress_row_deleted_by_staff_leaves_the_dashboard_at_once(
    admin_client, learner_client, learner, curriculum
):
    services.set_status(learner, first_resource(), Status.DONE)
    assert page(learner_client).context["dashboard"].overall.done == 1
    row = ResourceProgress.objects.get(user=learner)
    admin_client.post(
        reverse("admin:progress_resourceprogress_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert not ResourceProgress.objects.filter(user=learner).exists()
    assert page(learner_client).context["dashboard"].overall.done == 0


def test_a_pause_deleted_by_staff_leaves_the_dashboard_at_once(admin_client, learner_client, learner, curriculum):
    pause = services.add_pause(learner, start=today(), end=today() + timedelta(days=3))
    assert "Paused until" in html(learner_client)
    admin_client.post(reverse("admin:progress_pause_delete", args=[pause.pk]), {"post": "yes"})
    assert not Pause.objects.filter(pk=pause.pk).exists()
    assert "Paused until" not in html(learner_client)


def test_saving_a_copy_of_the_user_loaded_before_a_change_keeps_the_stamp(learner, curriculum):
    stale_copy = get_user_model().objects.get(pk=learner.pk)
    services.set_status(learner, first_resource(), Status.DONE)
    moved = get_user_model().objects.get(pk=learner.pk).changes
    assert moved > stale_copy.changes
    stale_copy.name = "New Name"
    stale_copy.save()
    assert get_user_model().objects.get(pk=learner.pk).changes == moved


def test_the_dashboard_works_while_redis_is_down(learner_client, learner, curriculum, settings):
    services.set_status(learner, first_resource(), Status.DONE)
    unreachable = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {"BACKEND": "dlcurriculum.cache.ResilientRedisCache", "LOCATION": unreachable},
        "sessions": {
            "BACKEND": "dlcurriculum.cache.ResilientRedisCache",
            "LOCATION": unreachable,
            "OPTIONS": {"MEMORY_FALLBACK": False},
        },
    }
    assert page(learner_client).context["dashboard"].overall.done == 1
    services.set_status(learner, first_resource(), Status.NOT_STARTED)
    assert page(learner_client).context["dashboard"].overall.done == 0
