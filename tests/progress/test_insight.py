"""The maintainers' insight page: how learners use each resource, where they stop, who a broken link affects."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from progress.insight import insight
from progress.models import Status
from progress.services import answer_time_spent, set_status
from stages.models import LinkState, LinkStatus
from tests.factories import ResourceFactory, StageFactory, UserFactory
from tests.queries import assert_database_query_count

pytestmark = pytest.mark.django_db


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
    use = insight().stages[0].resources[0]
    assert (use.started, use.finished, use.skipped) == (2, 1, 1)


def test_median_time_to_finish_runs_from_first_start_to_first_done():
    resource = _resource()
    for days_taken in (2, 4, 9):
        learner = UserFactory()
        _at(20, learner, resource, Status.IN_PROGRESS)
        _at(20 - days_taken, learner, resource, Status.DONE)
    assert insight().stages[0].resources[0].median_days_to_finish == 4.0


def test_where_learners_stop_counts_the_last_resource_of_learners_idle_for_a_month():
    stage = StageFactory()
    first, second = _resource(stage, order=1), _resource(stage, order=2)
    stopped = UserFactory()
    _at(60, stopped, first, Status.DONE)
    _at(45, stopped, second, Status.IN_PROGRESS)
    still_going = UserFactory()
    _at(2, still_going, second, Status.IN_PROGRESS)
    data = insight()
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
    use = insight().stages[0]
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
    data = insight()
    assert [(b.resource_id, b.learners_ahead) for b in data.broken_links] == [(resource.pk, 1)]
    assert data.active_learners == 2


def test_num_queries_insight_does_not_grow_with_learners():
    stage = StageFactory()
    resources = [_resource(stage, order=i) for i in range(1, 4)]

    for learners in (2, 20):
        for n in range(learners):
            learner = UserFactory()
            _at(40, learner, resources[0], Status.DONE)
            _at(35, learner, resources[1], Status.IN_PROGRESS)
            # How long it took: answered, or the question skipped (issue #31).
            answer_time_spent(learner, resources[0], None if n % 3 == 0 else 1 + n)
        insight()  # the curriculum's outline, cached as on any page
        # ... + the answers on time spent (one query, however many).
        with assert_database_query_count(11):
            insight()
