"""The registry through which each app exports and erases its part of a user's data."""

import pytest

from dlcurriculum.users import lifecycle
from progress.models import ResourceProgress, Status
from progress.services import set_status
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def extra_part():
    """A part registered by a test app, removed again afterwards."""
    erased = []
    lifecycle.register(
        "test_app",
        tables={"test_rows": ("value",)},
        export=lambda user: {"test_rows": [{"value": user.email}]},
        erase=lambda user: erased.append(user.pk),
    )
    yield erased
    lifecycle._parts.pop("test_app")


def test_progress_registers_its_tables_after_the_profile():
    assert list(lifecycle.table_columns()) == ["profile", "progress", "activity"]


def test_a_registered_apps_tables_are_in_the_export(learner, extra_part):
    assert lifecycle.export_user(learner)["test_rows"] == [{"value": learner.email}]


def test_erasing_a_user_calls_every_registered_part_then_deletes_the_user(learner, extra_part):
    set_status(learner, factories.ResourceFactory(), Status.DONE)
    lifecycle.erase_user(learner)
    assert extra_part == [learner.pk]
    assert not ResourceProgress.objects.filter(user_id=learner.pk).exists()
    assert not type(learner).objects.filter(pk=learner.pk).exists()


def test_a_table_name_another_app_registered_is_refused():
    with pytest.raises(ValueError, match="progress"):
        lifecycle.register("other_app", tables={"progress": ("x",)}, export=lambda user: {})


def test_the_profile_key_cannot_be_taken_by_an_app():
    with pytest.raises(ValueError, match="profile"):
        lifecycle.register("other_app", tables={"profile": ("x",)}, export=lambda user: {})
