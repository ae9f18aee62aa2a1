"""The curriculum written back out as a file: what the admin edited, in the format load_curriculum reads."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from stages import curriculum as cur
from stages.curriculum_export import current_curriculum, export_text
from stages.models import CapstoneBrief, Framework, ProjectIdea, Resource, SeededKey, Stage
from stages.services import load_curriculum
from tests.factories import build_curriculum

pytestmark = pytest.mark.django_db


def _empty_database():
    for model in (ProjectIdea, CapstoneBrief, Framework, Resource, Stage, SeededKey):
        model.objects.all().delete()


def _round_trip(text: str) -> str:
    _empty_database()
    load_curriculum(cur.parse(text))
    return export_text()


def test_dump_then_parse_gives_the_seed_back():
    seed = cur.read(cur.DEFAULT_PATH)
    assert cur.parse(cur.dump(seed)) == seed


def test_the_loaded_seed_exports_as_the_seed(curriculum):
    assert current_curriculum() == cur.read(cur.DEFAULT_PATH)


def test_an_export_loaded_into_an_empty_database_gives_the_same_curriculum(curriculum):
    exported = export_text()
    assert _round_trip(exported) == exported


def test_an_admin_edit_survives_the_round_trip(curriculum):
    resource = Resource.objects.order_by("pk").first()
    resource.title = "A better title"
    resource.description = "Two lines\nof Markdown."
    resource.save()
    reloaded = cur.parse(_round_trip(export_text()))
    data = next(r for s in reloaded.stages for r in s.resources if r.key == resource.key)
    assert (data.title, data.description) == ("A better title", "Two lines\nof Markdown.")


def test_a_ten_times_curriculum_round_trips():
    build_curriculum(stages=10, resources_per_stage=17)
    exported = export_text()
    assert len(cur.parse(exported).stages) == 10
    assert _round_trip(exported) == exported


def test_export_command_writes_a_file_load_curriculum_reads(curriculum, tmp_path):
    target = tmp_path / "curriculum.yaml"
    call_command("export_curriculum", "--output", str(target))
    assert cur.read(target) == current_curriculum()


def test_admin_download_is_the_export(client, staff, curriculum):
    client.force_login(staff)
    response = client.get(reverse("admin:stages_stage_export_curriculum"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="curriculum.yaml"'
    assert response.content.decode() == export_text()


def test_admin_download_needs_permission_to_view_stages(client, learner):
    from tests.factories import UserFactory

    clerk = UserFactory(is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse("admin:stages_stage_export_curriculum")).status_code == 403


def test_every_seed_resource_and_capstone_states_its_effort_and_basis():
    seed = cur.read(cur.DEFAULT_PATH)
    resources = [r for s in seed.stages for r in s.resources]
    capstones = [s.capstone for s in seed.stages if s.capstone]
    assert all(r.effort and r.effort.hours > 0 and r.effort.basis for r in resources + capstones)


def test_load_curriculum_stores_the_effort_and_export_writes_it_back(curriculum):
    resource = Resource.objects.get(key="fastai-practical-deep-learning")
    assert resource.effort_hours == Decimal("90.0")
    assert "lessons" in resource.effort_basis
    exported = cur.parse(export_text())
    assert exported.stages[0].resources[0].effort == cur.EffortData(90.0, resource.effort_basis)


@pytest.mark.parametrize("hours", [0, -1, "many", True, 5000])
def test_an_effort_that_is_not_a_sensible_number_of_hours_is_refused_with_its_place(hours):
    text = cur.DEFAULT_PATH.read_text(encoding="utf-8").replace("hours: 90.0", f"hours: {hours}", 1)
    with pytest.raises(cur.CurriculumError, match=r"fastai-practical-deep-learning\) > effort: 'hours'"):
        cur.parse(text)


def test_the_loaded_seed_exports_as_the_committed_file_byte_for_byte(curriculum):
    assert export_text() == cur.DEFAULT_PATH.read_text(encoding="utf-8")


def test_an_admin_edit_exports_as_a_small_diff_of_the_committed_file(curriculum):
    import difflib

    resource = Resource.objects.order_by("pk").first()
    old_title = resource.title
    resource.title = "A better title"
    resource.save()
    seed = cur.DEFAULT_PATH.read_text(encoding="utf-8")
    diff = [
        line
        for line in difflib.unified_diff(seed.splitlines(), export_text().splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert diff == [f"-        title: {old_title}", "+        title: A better title"]


def test_the_export_command_can_write_a_fresh_file(curriculum, tmp_path):
    out = tmp_path / "fresh.yaml"
    call_command("export_curriculum", "--fresh", "--output", str(out))
    assert out.read_text(encoding="utf-8") == cur.dump(current_curriculum())
