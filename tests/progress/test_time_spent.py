"""How long a resource took (issue #31): the rules of the answer, its stamp, export and erasure."""

import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse

from progress import services
from progress.forms import TimeSpentForm
from progress.models import ResourceProgress, Status, TimeSpent
from tests import factories
from tests.queries import assert_database_query_count, stamp_updates

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(learner):
    resource = factories.ResourceFactory(effort_hours=6)
    services.set_status(learner, resource, Status.DONE)
    return resource


def stamp(user) -> int:
    return get_user_model().objects.values_list("changes", flat=True).get(pk=user.pk)


def test_an_answer_is_kept_in_minutes(learner, done):
    answer, changed = services.answer_time_spent(learner, done, 7.5)
    assert changed
    assert (answer.minutes, TimeSpent.objects.get().minutes) == (450, 450)


def test_a_skip_is_kept_so_the_question_is_not_asked_again(learner, done):
    answer, changed = services.answer_time_spent(learner, done, None)
    assert changed
    assert answer.minutes is None
    assert TimeSpent.objects.filter(user=learner, resource=done).exists()


def test_answering_again_replaces_the_answer_and_the_same_answer_changes_nothing(learner, done):
    services.answer_time_spent(learner, done, 3)
    assert services.answer_time_spent(learner, done, 3)[1] is False
    answer, changed = services.answer_time_spent(learner, done, 5)
    assert (changed, answer.minutes, TimeSpent.objects.count()) == (True, 300, 1)


def test_a_skip_after_an_answer_keeps_the_answer(learner, done):
    services.answer_time_spent(learner, done, 3)
    answer, changed = services.answer_time_spent(learner, done, None)
    assert (changed, answer.minutes) == (False, 180)


def test_an_answer_after_a_skip_is_taken(learner, done):
    services.answer_time_spent(learner, done, None)
    assert services.answer_time_spent(learner, done, 2)[0].minutes == 120


@pytest.mark.parametrize("status", [None, Status.IN_PROGRESS, Status.SKIPPED, Status.NOT_STARTED])
def test_only_a_resource_marked_done_takes_an_answer(learner, status):
    resource = factories.ResourceFactory()
    if status is not None:
        services.set_status(learner, resource, Status.IN_PROGRESS)
        services.set_status(learner, resource, status)
    with pytest.raises(ValueError, match="Mark the resource done first"):
        services.answer_time_spent(learner, resource, 2)
    assert not TimeSpent.objects.exists()


@pytest.mark.parametrize("hours", [0, 0.2, 1000.1, -1])
def test_hours_out_of_bounds_write_nothing_and_the_done_mark_stays(learner, done, hours):
    with pytest.raises(ValueError, match=r"from 0\.25 to 1000"):
        services.answer_time_spent(learner, done, hours)
    assert not TimeSpent.objects.exists()
    assert ResourceProgress.objects.get(user=learner, resource=done).status == Status.DONE


def test_the_database_refuses_minutes_out_of_range_and_a_second_row(learner, done):
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeSpent.objects.create(user=learner, resource=done, minutes=60_001)
    TimeSpent.objects.create(user=learner, resource=done, minutes=60)
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeSpent.objects.create(user=learner, resource=done, minutes=90)


def test_an_answer_moves_the_stamp_once_and_the_same_answer_not_at_all(learner, done):
    before = stamp(learner)
    # Savepoint, the progress row locked, get-or-create (select, savepoint, insert, release), the stamp, release.
    with assert_database_query_count(8) as queries:
        services.answer_time_spent(learner, done, 4)
    assert stamp_updates(queries) == 1
    assert stamp(learner) == before + 1
    with assert_database_query_count(4) as queries:
        services.answer_time_spent(learner, done, 4)
    assert stamp_updates(queries) == 0


def test_the_request_moves_the_stamp_once(learner_client, learner, done):
    before = stamp(learner)
    learner_client.post(reverse("progress:time_spent", args=[done.pk]), {"preset": "6"})
    assert stamp(learner) == before + 1


# --- The form ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "hours"),
    [
        ({"preset": "6"}, 6),
        ({"hours": "2.5"}, 2.5),
        ({"preset": "12", "hours": "nonsense"}, 12),  # the clicked preset wins over the field
        ({"preset": "3", "hours": "8"}, 3),
        ({"skip": "1"}, None),
        ({"skip": "1", "hours": "nonsense"}, None),
    ],
)
def test_the_form_takes_a_preset_a_number_or_a_skip(data, hours):
    form = TimeSpentForm(data)
    assert form.is_valid()
    assert form.cleaned_data["hours"] == hours


@pytest.mark.parametrize(
    "data",
    [{}, {"hours": ""}, {"hours": "abc"}, {"hours": "0"}, {"hours": "1001"}, {"hours": "inf"}, {"hours": "nan"},
     {"preset": "5000"}, {"hours": "1" * 400}],
)  # fmt: skip
def test_the_form_refuses_what_is_no_answer_with_a_clear_message(data):
    form = TimeSpentForm(data)
    assert not form.is_valid()
    assert "How long did it take?" in form.error_text()
    assert "0.25 to 1000" in form.error_text()


# --- Export and erasure --------------------------------------------------------------------------


def test_the_export_has_the_answers_and_skips(learner_client, learner, done):
    skipped = factories.ResourceFactory(stage=done.stage, order=done.order + 1)
    services.set_status(learner, skipped, Status.DONE)
    services.answer_time_spent(learner, done, 7.5)
    services.answer_time_spent(learner, skipped, None)
    data = json.loads(learner_client.get(reverse("users:export_json")).content)
    assert [(t["resource_key"], t["minutes"]) for t in data["time_spent"]] == [(done.key, 450), (skipped.key, None)]
    archive = zipfile.ZipFile(io.BytesIO(learner_client.get(reverse("users:export_csv")).content))
    assert any(name.endswith("time_spent.csv") for name in archive.namelist())


def test_erasure_removes_the_learners_answers_only(learner, other_learner, done):
    services.answer_time_spent(learner, done, 3)
    services.set_status(other_learner, done, Status.DONE)
    services.answer_time_spent(other_learner, done, 4)
    services.erase_progress(learner)
    assert list(TimeSpent.objects.values_list("user_id", "minutes")) == [(other_learner.pk, 240)]


def test_deleting_the_account_deletes_the_answers(learner_client, learner, done):
    services.answer_time_spent(learner, done, 3)
    learner_client.post(reverse("users:delete_account"), {"email": learner.email})
    assert not TimeSpent.objects.exists()
