"""The curriculum outline and capstone briefs are cached for every dashboard, and dropped when admins change them."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from capstones.selectors import BRIEF_OUTLINE
from progress import services
from progress.models import Status
from stages.models import CapstoneBrief, Resource, Stage
from stages.outline import CURRICULUM_OUTLINE, outline
from tests import factories
from tests.queries import assert_database_query_count

pytestmark = pytest.mark.django_db


def test_outline_is_read_from_the_database_once_then_from_the_cache(curriculum):
    with assert_database_query_count(3):  # stages, resources, capstone hours
        first = outline()
    with assert_database_query_count(0):
        second = outline()
    assert [r.pk for r in second.resources] == [r.pk for r in first.resources] != []


def test_outline_lists_resources_in_curriculum_order_with_their_stage(curriculum):
    resources = outline().resources
    expected = list(Resource.objects.order_by("stage__order", "order").values_list("pk", "stage__slug"))
    assert [(r.pk, r.stage.slug) for r in resources] == expected


def test_admin_renaming_a_resource_shows_on_the_next_dashboard(client, learner, staff):
    resource = factories.ResourceFactory(title="Old title")
    services.set_status(learner, resource, Status.IN_PROGRESS)
    client.force_login(learner)
    assert "Old title" in client.get(reverse("dashboard")).content.decode()

    client.force_login(staff)
    response = client.post(
        reverse("admin:stages_resource_change", args=[resource.pk]),
        {
            "stage": resource.stage_id, "order": resource.order, "key": resource.key, "title": "New title",
            "url": resource.url, "kind": resource.kind, "authors": resource.authors, "description": "",
            "cost": resource.cost,
        },
    )  # fmt: skip
    assert response.status_code == 302
    client.force_login(learner)
    html = client.get(reverse("dashboard")).content.decode()
    assert "New title" in html
    assert "Old title" not in html


def test_adding_a_stage_shows_on_the_next_dashboard(learner_client, curriculum):
    learner_client.get(reverse("dashboard"))
    factories.StageFactory(title="Stage added by an admin", order=99)
    assert "Stage added by an admin" in learner_client.get(reverse("dashboard")).content.decode()


def test_deleting_a_resource_drops_it_from_the_outline(curriculum):
    doomed = outline().resources[0]
    Resource.objects.get(pk=doomed.pk).delete()
    assert doomed.pk not in [r.pk for r in outline().resources]


def test_renaming_a_capstone_brief_shows_on_the_next_dashboard(learner_client, db):
    brief = factories.CapstoneBriefFactory(title="Capstone I")
    learner_client.get(reverse("dashboard"))
    brief.title = "Capstone I, renamed"
    brief.save()
    assert "Capstone I, renamed" in learner_client.get(reverse("dashboard")).content.decode()


def test_a_stage_slug_change_reaches_the_cached_brief_links(db):
    brief = factories.CapstoneBriefFactory()
    assert BRIEF_OUTLINE.get()[0].stage_slug == brief.stage.slug
    stage = Stage.objects.get(pk=brief.stage_id)
    stage.slug = "renamed-stage"
    stage.save()
    assert BRIEF_OUTLINE.get()[0].stage_slug == "renamed-stage"


def test_a_value_cached_by_a_concurrent_read_before_commit_is_dropped_at_commit(
    curriculum, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        resource = Resource.objects.first()
        resource.title = "Renamed"
        resource.save()
        # Another request, still seeing the old row, caches the outline before this transaction commits.
        cache.set(CURRICULUM_OUTLINE.key, "outline read before the commit")
    assert cache.get(CURRICULUM_OUTLINE.key) is None


def test_outline_gives_each_capstone_stage_its_capstones_hours(curriculum):
    expected = {b.stage_id: float(b.effort_hours or 0) for b in CapstoneBrief.objects.all()}
    assert outline().capstone_hours == expected != {}


def test_an_edited_capstone_estimate_gives_a_new_outline(curriculum):
    before = outline()
    brief = CapstoneBrief.objects.first()
    brief.effort_hours = 123
    brief.save()
    after = outline()
    assert after.token != before.token
    assert after.capstone_hours[brief.stage_id] == 123
