"""Export of all the learner's data as JSON and as CSV files, read back."""

import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse

from dlcurriculum.users.export import spreadsheet_safe
from progress import services
from progress.models import Activity, ResourceProgress, Status
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(learner):
    stage = factories.StageFactory(slug="basics")
    first = factories.ResourceFactory(stage=stage, order=1, key="first", title="First, with a comma")
    second = factories.ResourceFactory(stage=stage, order=2, key="second")
    services.set_status(learner, first, Status.IN_PROGRESS)
    services.set_status(learner, first, Status.DONE)
    services.save_note(learner, first, 'Hard: "backprop"\nRevisit ünicode, commas, and newlines')
    services.set_status(learner, second, Status.SKIPPED)
    learner.why = "=To understand transformers"
    learner.timezone = "Asia/Tokyo"
    learner.save()
    return learner


def read_csv(archive, name):
    text = archive.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_json_export_is_a_download_with_every_progress_row_and_note(learner_client, history):
    response = learner_client.get(reverse("users:export_json"))
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    rows = {(r["resource_key"], r["status"], r["note"]) for r in data["progress"]}
    expected = set(ResourceProgress.objects.filter(user=history).values_list("resource__key", "status", "note"))
    assert rows == expected


def test_json_export_contains_the_profile(learner_client, history):
    profile = json.loads(learner_client.get(reverse("users:export_json")).content)["profile"]
    assert (profile["email"], profile["why"], profile["timezone"]) == (
        history.email,
        "=To understand transformers",
        "Asia/Tokyo",
    )


def test_json_export_contains_every_activity_entry_in_order(learner_client, history):
    activity = json.loads(learner_client.get(reverse("users:export_json")).content)["activity"]
    assert [(a["resource_key"], a["status"]) for a in activity] == [
        ("first", "in_progress"),
        ("first", "done"),
        ("first", ""),
        ("second", "skipped"),
    ]


def test_csv_export_progress_round_trips_notes_with_commas_quotes_and_newlines(learner_client, history):
    archive = zipfile.ZipFile(io.BytesIO(learner_client.get(reverse("users:export_csv")).content))
    rows = read_csv(archive, "progress.csv")
    expected = {
        (row.resource.key, row.resource.title, row.status, row.note)
        for row in ResourceProgress.objects.filter(user=history).select_related("resource")
    }
    assert {(r["resource_key"], r["resource_title"], r["status"], r["note"]) for r in rows} == expected


def test_csv_export_has_profile_and_activity_files(learner_client, history):
    archive = zipfile.ZipFile(io.BytesIO(learner_client.get(reverse("users:export_csv")).content))
    assert sorted(archive.namelist()) == ["activity.csv", "profile.csv", "progress.csv"]
    assert len(read_csv(archive, "activity.csv")) == Activity.objects.filter(user=history).count()
    assert read_csv(archive, "profile.csv")[0]["email"] == history.email


def test_csv_export_defuses_spreadsheet_formulas(learner_client, history):
    archive = zipfile.ZipFile(io.BytesIO(learner_client.get(reverse("users:export_csv")).content))
    assert read_csv(archive, "profile.csv")[0]["why"] == "'=To understand transformers"


@pytest.mark.parametrize("text, expected", [("=1+1", "'=1+1"), ("@SUM", "'@SUM"), ("plain", "plain"), ("", "")])
def test_spreadsheet_safe_prefixes_only_formula_starts(text, expected):
    assert spreadsheet_safe(text) == expected


def test_export_leaves_out_other_learners_data(learner_client, history, other_learner):
    services.save_note(other_learner, factories.ResourceFactory(), "someone else's")
    assert "someone else" not in learner_client.get(reverse("users:export_json")).content.decode()


def test_export_keeps_activity_of_a_deleted_resource(learner_client, history):
    ResourceProgress.objects.get(user=history, resource__key="second").resource.delete()
    activity = json.loads(learner_client.get(reverse("users:export_json")).content)["activity"]
    assert activity[-1] == {**activity[-1], "resource_key": "", "status": "skipped"}
