"""The maintainers' insight page: how learners use each resource, where they stop, who a broken link affects."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from progress.insight import insight
from progress.models import Status
from progress.services import set_status
from stages.models import LinkState, LinkStatus
from tests.factories import ResourceFactory, StageFactory, UserFactory

pytestmark = pytest.mark.django_db
PAGE = "admin:progress_insight"


def _at(days_ago: float, user, resource, status):
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        set_status(user, resource, status)


def _resource(stage=None, **kwargs):
    return ResourceFactory(stage=stage or StageFactory(), **kwargs)


def test_counts_learners_who_started_finished_and_skipped_each_resource():
    resource = _resource()
    set_status(UserFactory(), resource, Status.IN_PROGRESS)
    set_status(UserFactory(), resource, Status.DONE)
    set_status(UserFactory(), resource, Status.SKIPPED)
    use = insight(use_cache=False).stages[0].resources[0]
    assert (use.started, use.finished, use.skipped) == (2, 1, 1)


def test_median_time_to_finish_runs_from_first_start_to_first_done():
    resource = _resource()
    for days_taken in (2, 4, 9):
        learner = UserFactory()
        _at(20, learner, resource, Status.IN_PROGRESS)
        _at(20 - days_taken, learner, resource, Status.DONE)
    assert insight(use_cache=False).stages[0].resources[0].median_days_to_finish == 4.0


def test_where_learners_stop_counts_the_last_resource_of_learners_idle_for_a_month():
    stage = StageFactory()
    first, second = _resource(stage, order=1), _resource(stage, order=2)
    stopped = UserFactory()
    _at(60, stopped, first, Status.DONE)
    _at(45, stopped, second, Status.IN_PROGRESS)
    still_going = UserFactory()
    _at(2, still_going, second, Status.IN_PROGRESS)
    data = insight(use_cache=False)
    assert [r.stalled_here for r in data.stages[0].resources] == [0, 1]
    assert (data.stalled_learners, data.stages[0].stalled) == (1, 1)


def test_a_stage_counts_as_finished_when_every_required_resource_is_done_or_skipped():
    stage = StageFactory()
    required, skipped_one = _resource(stage, order=1), _resource(stage, order=2)
    _resource(stage, order=3, optional=True)
    learner = UserFactory()
    _at(10, learner, required, Status.IN_PROGRESS)
    _at(4, learner, required, Status.DONE)
    _at(3, learner, skipped_one, Status.SKIPPED)
    halfway = UserFactory()
    set_status(halfway, required, Status.DONE)
    use = insight(use_cache=False).stages[0]
    assert (use.finished_by, use.median_days) == (1, 7.0)


def test_a_broken_link_counts_the_active_learners_who_have_not_passed_it():
    resource = _resource()
    LinkStatus.objects.create(
        resource=resource, url=resource.url, status=LinkState.BROKEN, flagged=True, flagged_at=timezone.now()
    )
    other = _resource()
    ahead, passed, idle = UserFactory(), UserFactory(), UserFactory()
    set_status(ahead, other, Status.IN_PROGRESS)
    set_status(passed, resource, Status.DONE)
    _at(90, idle, other, Status.IN_PROGRESS)
    data = insight(use_cache=False)
    assert [(b.resource_id, b.learners_ahead) for b in data.broken_links] == [(resource.pk, 1)]
    assert data.active_learners == 2


def test_the_page_is_for_staff_who_may_see_resources(client, staff, learner):
    client.force_login(learner)
    assert client.get(reverse(PAGE)).status_code == 302  # to the admin's sign-in
    clerk = UserFactory(is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse(PAGE)).status_code == 403
    client.force_login(staff)
    assert client.get(reverse(PAGE)).status_code == 200


def test_the_page_shows_counts_and_a_bar_per_resource(client, staff):
    resource = _resource(title="Neural Networks and Deep Learning")
    set_status(UserFactory(), resource, Status.SKIPPED)
    client.force_login(staff)
    html = client.get(reverse(PAGE)).content.decode()
    assert "Neural Networks and Deep Learning: 1 learner" in html
    assert 'aria-label="Neural Networks and Deep Learning: 1"' in html


def test_num_queries_insight_does_not_grow_with_learners():
    stage = StageFactory()
    resources = [_resource(stage, order=i) for i in range(1, 4)]

    def queries_with(learners: int) -> int:
        for _ in range(learners):
            learner = UserFactory()
            _at(40, learner, resources[0], Status.DONE)
            _at(35, learner, resources[1], Status.IN_PROGRESS)
        with CaptureQueriesContext(connection) as ctx:
            insight(use_cache=False)
        return len(ctx)

    assert queries_with(2) == queries_with(20)


def test_figures_are_cached_briefly():
    _resource()
    insight()
    with CaptureQueriesContext(connection) as ctx:
        insight()
    assert len(ctx) == 0
