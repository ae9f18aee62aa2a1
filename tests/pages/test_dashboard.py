"""The dashboard: overall progress, stage in progress, next up, recent, chart, why, capstone hook."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from progress import selectors, services
from progress.models import Activity, Status
from stages.models import Resource, Stage
from tests import factories

pytestmark = pytest.mark.django_db


def seed_resources(stage_slug):
    return list(Resource.objects.filter(stage__slug=stage_slug, optional=False).order_by("order"))


def test_next_up_on_a_fresh_account_is_the_first_resource_of_stage_one(curriculum, learner):
    d = selectors.dashboard(learner)
    assert d.next_up.key == "fastai-practical-deep-learning"
    assert d.current_stage.stage.slug == "practical-encounter"


def test_next_up_moves_to_the_next_stage_once_stage_one_is_done_or_skipped(curriculum, learner):
    first, *rest = seed_resources("practical-encounter")
    services.set_status(learner, first, Status.SKIPPED)
    for resource in rest:
        services.set_status(learner, resource, Status.DONE)
    d = selectors.dashboard(learner)
    assert d.current_stage.stage.slug == "mathematical-foundations"
    assert d.next_up == seed_resources("mathematical-foundations")[0]


def test_in_progress_resource_is_still_next_up(curriculum, learner):
    first = seed_resources("practical-encounter")[0]
    services.set_status(learner, first, Status.IN_PROGRESS)
    assert selectors.dashboard(learner).next_up == first


def test_overall_progress_counts_done_and_skipped_over_all_core_resources(curriculum, learner):
    resources = seed_resources("practical-encounter")
    services.set_status(learner, resources[0], Status.DONE)
    services.set_status(learner, resources[1], Status.SKIPPED)
    overall = selectors.dashboard(learner).overall
    assert overall.total == Resource.objects.filter(optional=False).count()
    assert (overall.done, overall.skipped) == (1, 1)


def test_recently_touched_lists_latest_changes_first(learner):
    stage = factories.StageFactory()
    older, newer = factories.ResourceFactory(stage=stage), factories.ResourceFactory(stage=stage)
    with time_machine.travel(datetime(2026, 3, 1, tzinfo=UTC)):
        services.set_status(learner, older, Status.DONE)
    with time_machine.travel(datetime(2026, 3, 2, tzinfo=UTC)):
        services.set_status(learner, newer, Status.IN_PROGRESS)
    assert [item.resource for item in selectors.dashboard(learner).recent] == [newer, older]


def test_dashboard_survives_an_admin_deleting_a_touched_resource(learner_client, learner):
    stage = factories.StageFactory()
    kept, deleted = factories.ResourceFactory(stage=stage, title="Kept"), factories.ResourceFactory(stage=stage)
    services.set_status(learner, kept, Status.DONE)
    services.set_status(learner, deleted, Status.DONE)
    services.save_note(learner, deleted, "note on a resource that goes away")
    deleted.delete()
    response = learner_client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.context["dashboard"].overall.done == 1
    assert Activity.objects.filter(user=learner, resource__isnull=True).count() == 2


def test_dashboard_shows_the_learners_why(learner_client, learner):
    learner.why = "To build a model that reads medical scans"
    learner.save()
    html = learner_client.get(reverse("dashboard")).content.decode()
    assert "To build a model that reads medical scans" in html


def test_dashboard_has_a_capstone_status_area(learner_client):
    html = learner_client.get(reverse("dashboard")).content.decode()
    assert 'id="capstones-title"' in html


def test_dashboard_shows_a_progress_bar_for_every_stage(curriculum, learner_client):
    html = learner_client.get(reverse("dashboard")).content.decode()
    stages_part = html.split('id="stages-title"')[1].split("</section>")[0]
    resource_stages = Stage.objects.filter(resources__optional=False).distinct().count()
    assert stages_part.count('class="progress-svg"') == resource_stages


def test_overview_shows_each_stage_completion_to_a_learner(curriculum, learner_client, learner):
    services.set_status(learner, seed_resources("practical-encounter")[0], Status.DONE)
    html = learner_client.get(reverse("stages:overview")).content.decode()
    total = len(seed_resources("practical-encounter"))
    assert f"1 of {total} done" in html
    assert html.count('class="progress-svg"') == Stage.objects.filter(resources__optional=False).distinct().count()


# --- Activity chart -------------------------------------------------------------


def record(user, resource, when, status=Status.DONE):
    with time_machine.travel(when):
        Activity.objects.create(user=user, resource=resource, status=status)


def test_activity_chart_counts_a_known_history_per_week(learner):
    resource = factories.ResourceFactory()
    record(learner, resource, datetime(2026, 11, 23, 9, tzinfo=UTC))  # Monday, this week
    record(learner, resource, datetime(2026, 11, 25, 9, tzinfo=UTC))  # Wednesday, this week
    record(learner, resource, datetime(2026, 11, 20, 9, tzinfo=UTC))  # last week
    record(learner, resource, datetime(2026, 6, 1, 9, tzinfo=UTC))  # first week of the window
    record(learner, resource, datetime(2026, 5, 31, 9, tzinfo=UTC))  # before the window
    with time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=UTC)):
        chart = selectors.activity_chart(learner)
    counts = {bar.week_start: bar.count for bar in chart.weeks}
    assert len(chart.weeks) == 26
    assert counts[date(2026, 11, 23)] == 2
    assert counts[date(2026, 11, 16)] == 1
    assert counts[date(2026, 6, 1)] == 1
    assert chart.total == 4


def test_activity_chart_uses_the_learners_time_zone_for_week_boundaries(learner):
    learner.timezone = "Europe/Berlin"
    learner.save()
    # Sunday 23:30 UTC is Monday 00:30 in Berlin: it belongs to the new week there.
    record(learner, factories.ResourceFactory(), datetime(2026, 11, 22, 23, 30, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=UTC)):
        chart = selectors.activity_chart(learner)
    counts = {bar.week_start: bar.count for bar in chart.weeks}
    assert counts[date(2026, 11, 23)] == 1
    assert counts[date(2026, 11, 16)] == 0


def test_activity_chart_ignores_other_learners(learner, other_learner):
    record(other_learner, factories.ResourceFactory(), datetime(2026, 11, 24, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=UTC)):
        assert selectors.activity_chart(learner).total == 0


def test_dashboard_renders_the_chart_as_inline_svg_with_one_bar_per_week(learner_client, learner):
    record(learner, factories.ResourceFactory(), datetime(2026, 11, 24, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=UTC)):
        html = learner_client.get(reverse("dashboard")).content.decode()
    assert html.count('class="chart-bar') == 26
    assert 'data-week="2026-11-23" data-count="1"' in html
