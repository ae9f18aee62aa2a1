"""Each learner action on their progress moves their change stamp exactly once: one UPDATE
(dlcurriculum.users.changes), however many rows it writes; staff's deletions in the admin too,
and the dashboard shows them at once."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from progress import services
from progress.models import PacePlan, Pause, ResourceProgress, Status
from stages.models import CapstoneBrief, Resource
from tests import factories
from tests.queries import assert_database_query_count, stamp_updates

pytestmark = pytest.mark.django_db


def resources():
    return list(Resource.objects.filter(optional=False).order_by("stage__order", "order")[:3])


def today():
    return timezone.localdate()


def stamp(user) -> int:
    return get_user_model().objects.values_list("changes", flat=True).get(pk=user.pk)


def dashboard(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response


# Each action: its statements (the test's transaction makes every block a savepoint).
# set_status, save_note, open_resource: savepoint, the row's insert-if-missing, its lock, its
# update, the activity, the stamp, release.
def test_a_status_change_moves_the_stamp_once(learner, curriculum):
    first, _, _ = resources()
    with assert_database_query_count(7) as queries:
        services.set_status(learner, first, Status.DONE)
    assert stamp_updates(queries) == 1


def test_a_status_set_again_moves_nothing(learner, curriculum):
    first, _, _ = resources()
    services.set_status(learner, first, Status.DONE)
    # Savepoint, insert-if-missing, lock, release: the same status changes nothing.
    with assert_database_query_count(4) as queries:
        services.set_status(learner, first, Status.DONE)
    assert stamp_updates(queries) == 0
    assert stamp(learner) == 1


def test_a_note_moves_the_stamp_once(learner, curriculum):
    first, _, _ = resources()
    with assert_database_query_count(7) as queries:
        services.save_note(learner, first, "Chapter 3 next")
    assert stamp_updates(queries) == 1


def test_continue_moves_the_stamp_once(learner, curriculum):
    first, _, _ = resources()
    with assert_database_query_count(7) as queries:
        services.open_resource(learner, first)
    assert stamp_updates(queries) == 1


def test_a_new_pace_plan_moves_the_stamp_once(learner, curriculum):
    # Savepoint, the plan locked (none yet), get_or_create's savepoint, insert and release, the
    # stamp, release.
    with assert_database_query_count(7) as queries:
        services.set_pace_plan(learner, today=today(), hours_per_week=5)
    assert stamp_updates(queries) == 1


def test_a_changed_pace_plan_moves_the_stamp_once(learner, curriculum):
    services.set_pace_plan(learner, today=today(), hours_per_week=5)
    # Savepoint, the plan locked, its update, its version read back, the stamp, release.
    with assert_database_query_count(6) as queries:
        services.set_pace_plan(learner, today=today(), hours_per_week=8)
    assert stamp_updates(queries) == 1


def test_the_same_pace_plan_again_moves_nothing(learner, curriculum):
    services.set_pace_plan(learner, today=today(), hours_per_week=5)
    with assert_database_query_count(3) as queries:  # savepoint, the plan locked, release
        services.set_pace_plan(learner, today=today(), hours_per_week=5)
    assert stamp_updates(queries) == 0


def test_a_cleared_pace_plan_moves_the_stamp_once(learner, curriculum):
    services.set_pace_plan(learner, today=today(), hours_per_week=5)
    with assert_database_query_count(4) as queries:  # savepoint, the delete, the stamp, release
        services.clear_pace_plan(learner)
    assert stamp_updates(queries) == 1


def test_a_new_pause_moves_the_stamp_once(learner, curriculum):
    # Savepoint, the count of pauses, the insert, the stamp, release.
    with assert_database_query_count(5) as queries:
        services.add_pause(learner, start=today(), end=today() + timedelta(days=3))
    assert stamp_updates(queries) == 1


def test_a_removed_pause_moves_the_stamp_once(learner, curriculum):
    pause = services.add_pause(learner, start=today(), end=today() + timedelta(days=3))
    with assert_database_query_count(4) as queries:  # savepoint, the delete, the stamp, release
        services.remove_pause(learner, pause.pk)
    assert stamp_updates(queries) == 1


def test_a_completion_record_change_moves_the_stamp_once(learner, curriculum):
    services.record_completion(learner, public=False)
    # Savepoint, update_or_create's savepoint, the record locked, its update and release, the
    # stamp, release.
    with assert_database_query_count(7) as queries:
        services.record_completion(learner, public=True)
    assert stamp_updates(queries) == 1


def test_erasing_the_progress_moves_the_stamp_once(learner, curriculum):
    for resource in resources():
        services.set_status(learner, resource, Status.DONE)
    services.set_pace_plan(learner, today=today(), hours_per_week=5)
    # Savepoint, seven deletes (the answers on time spent too), the stamp, release.
    with assert_database_query_count(10) as queries:
        services.erase_progress(learner)
    assert stamp_updates(queries) == 1


# --- The requests: each is one action, one UPDATE of the stamp ----------------------------------


def learner_requests(learner):
    first, second, _ = resources()
    pause = services.add_pause(learner, start=today() + timedelta(days=30), end=today() + timedelta(days=33))
    start = today().isoformat()
    end = (today() + timedelta(days=2)).isoformat()
    return {
        "status": (reverse("progress:set_status", args=[first.pk]), {"status": "done"}),
        "note": (reverse("progress:save_note", args=[first.pk]), {"note": "Chapter 3 next"}),
        "continue": (reverse("progress:continue", args=[second.pk]), {}),
        "pace plan": (reverse("progress:pace"), {"mode": "hours", "hours_per_week": "6"}),
        "pause": (reverse("progress:pause_add"), {"start": start, "end": end, "label": "Holiday"}),
        "pause removed": (reverse("progress:pause_remove", args=[pause.pk]), {}),
        "pace plan dropped": (reverse("progress:pace_clear"), {}),
    }


ACTIONS = ["status", "note", "continue", "pace plan", "pause", "pause removed", "pace plan dropped"]


@pytest.mark.parametrize("action", ACTIONS)
def test_each_request_moves_the_stamp_once(learner_client, learner, curriculum, action):
    if action == "pace plan dropped":
        services.set_pace_plan(learner, today=today(), hours_per_week=5)
    url, data = learner_requests(learner)[action]
    before = stamp(learner)
    with CaptureQueriesContext(connection) as context:
        response = learner_client.post(url, data)
    assert response.status_code in (200, 302), response.content[:500]
    assert stamp_updates(context.captured_queries) == 1
    assert stamp(learner) == before + 1


def test_the_completion_record_request_moves_the_stamp_once(learner_client, learner, curriculum):
    for resource in Resource.objects.filter(optional=False):
        services.set_status(learner, resource, Status.DONE)
    for brief in CapstoneBrief.objects.all():  # approved (no dashboard is read before the request)
        factories.SubmissionFactory(learner=learner, brief=brief, status="approved", approved_at=timezone.now())
    with CaptureQueriesContext(connection) as context:
        learner_client.post(reverse("completion_record"), {"public": "1"})
    assert stamp_updates(context.captured_queries) == 1
    assert dashboard(learner_client).context["dashboard"].completion_record.is_public is True


# --- Staff in the admin: they may only delete a learner's rows ----------------------------------


def test_staff_deleting_progress_rows_of_two_learners_moves_both_stamps_in_one_update(
    admin_client, learner_client, learner, other_learner, curriculum
):
    first, second, _ = resources()
    services.set_status(learner, first, Status.DONE)
    services.set_status(learner, second, Status.DONE)
    services.set_status(other_learner, first, Status.DONE)
    assert dashboard(learner_client).context["dashboard"].overall.done == 2
    before = stamp(learner), stamp(other_learner)
    with CaptureQueriesContext(connection) as context:
        admin_client.post(
            reverse("admin:progress_resourceprogress_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": list(ResourceProgress.objects.values_list("pk", flat=True)),
                "post": "yes",
            },
        )
    assert not ResourceProgress.objects.exists()
    assert stamp_updates(context.captured_queries) == 1
    assert (stamp(learner), stamp(other_learner)) == (before[0] + 1, before[1] + 1)
    assert dashboard(learner_client).context["dashboard"].overall.done == 0


def test_staff_deleting_a_progress_row_from_its_page_leaves_the_dashboard_at_once(
    admin_client, learner_client, learner, curriculum
):
    first, _, _ = resources()
    services.set_status(learner, first, Status.DONE)
    assert dashboard(learner_client).context["dashboard"].overall.done == 1
    row = ResourceProgress.objects.get(user=learner)
    with CaptureQueriesContext(connection) as context:
        admin_client.post(reverse("admin:progress_resourceprogress_delete", args=[row.pk]), {"post": "yes"})
    assert stamp_updates(context.captured_queries) == 1
    assert dashboard(learner_client).context["dashboard"].overall.done == 0


def test_staff_deleting_a_pace_plan_leaves_the_dashboard_at_once(admin_client, learner_client, learner, curriculum):
    services.set_pace_plan(learner, today=today(), hours_per_week=5)
    assert dashboard(learner_client).context["dashboard"].pace is not None
    plan = PacePlan.objects.get(user=learner)
    with CaptureQueriesContext(connection) as context:
        admin_client.post(reverse("admin:progress_paceplan_delete", args=[plan.pk]), {"post": "yes"})
    assert stamp_updates(context.captured_queries) == 1
    assert dashboard(learner_client).context["dashboard"].pace is None


def test_staff_deleting_pauses_in_bulk_leaves_the_dashboard_at_once(admin_client, learner_client, learner, curriculum):
    services.add_pause(learner, start=today(), end=today() + timedelta(days=3))
    assert "Paused until" in dashboard(learner_client).content.decode()
    with CaptureQueriesContext(connection) as context:
        admin_client.post(
            reverse("admin:progress_pause_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": list(Pause.objects.values_list("pk", flat=True)),
                "post": "yes",
            },
        )
    assert stamp_updates(context.captured_queries) == 1
    assert "Paused until" not in dashboard(learner_client).content.decode()


def test_staff_only_looking_moves_nothing(admin_client, learner, curriculum):
    services.set_status(learner, resources()[0], Status.DONE)
    before = stamp(learner)
    row = ResourceProgress.objects.get(user=learner)
    assert admin_client.get(reverse("admin:progress_resourceprogress_change", args=[row.pk])).status_code == 200
    assert admin_client.get(reverse("admin:progress_resourceprogress_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:progress_resourceprogress_delete", args=[row.pk])).status_code == 200
    assert stamp(learner) == before
