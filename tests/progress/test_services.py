"""Writes: status transitions, notes, the activity they log, and the upsert under concurrency."""

import pytest

from progress import services
from progress.models import Activity, ResourceProgress, Status
from tests import factories
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def resource(db):
    return factories.ResourceFactory()


@pytest.mark.parametrize("first", Status.values)
@pytest.mark.parametrize("second", Status.values)
def test_any_status_can_follow_any_other(learner, resource, first, second):
    services.set_status(learner, resource, Status.IN_PROGRESS)
    services.set_status(learner, resource, first)
    services.set_status(learner, resource, second)
    assert ResourceProgress.objects.get(user=learner, resource=resource).status == second


def test_status_change_logs_one_activity_entry_with_the_new_status(learner, resource):
    services.set_status(learner, resource, Status.DONE)
    assert list(Activity.objects.filter(user=learner).values_list("resource_id", "status")) == [(resource.pk, "done")]


def test_setting_the_same_status_twice_changes_nothing_the_second_time(learner, resource):
    services.set_status(learner, resource, Status.DONE)
    _, changed = services.set_status(learner, resource, Status.DONE)
    assert not changed
    assert Activity.objects.filter(user=learner).count() == 1


def test_not_started_on_an_untouched_resource_creates_no_row(learner, resource):
    row, changed = services.set_status(learner, resource, Status.NOT_STARTED)
    assert (row, changed) == (None, False)
    assert not ResourceProgress.objects.filter(user=learner).exists()


def test_unknown_status_is_refused(learner, resource):
    with pytest.raises(ValueError, match="Unknown status 'finished'"):
        services.set_status(learner, resource, "finished")


def test_note_is_saved_without_changing_the_status(learner, resource):
    services.set_status(learner, resource, Status.DONE)
    services.save_note(learner, resource, "Backprop was hard: revisit chapter 2.\r\n")
    row = ResourceProgress.objects.get(user=learner, resource=resource)
    assert (row.status, row.note) == ("done", "Backprop was hard: revisit chapter 2.")


def test_note_on_an_untouched_resource_keeps_it_not_started(learner, resource):
    services.save_note(learner, resource, "Looks good")
    assert ResourceProgress.objects.get(user=learner, resource=resource).status == Status.NOT_STARTED


def test_note_longer_than_the_limit_is_refused_and_nothing_is_saved(learner, resource):
    with pytest.raises(ValueError, match="at most 10000 characters"):
        services.save_note(learner, resource, "x" * 10_001)
    assert not ResourceProgress.objects.filter(user=learner).exists()


def test_status_of_one_learner_does_not_touch_another_learners_row(learner, other_learner, resource):
    services.set_status(other_learner, resource, Status.SKIPPED)
    services.set_status(learner, resource, Status.DONE)
    assert ResourceProgress.objects.get(user=other_learner, resource=resource).status == "skipped"


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_clicks_create_one_row_and_one_activity():
    """Several threads (own DB connections) set the same status at the same moment."""
    learner = factories.UserFactory()
    resource = factories.ResourceFactory()
    errors = [e for e in run_at_once(services.set_status, [(learner, resource, Status.DONE)] * 6) if e]
    assert errors == []
    assert ResourceProgress.objects.filter(user=learner, resource=resource).count() == 1
    assert Activity.objects.filter(user=learner, resource=resource).count() == 1
