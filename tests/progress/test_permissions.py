"""A learner sees and changes only their own progress; anonymous visitors go to login."""

import json

import pytest
from django.urls import reverse

from progress import services
from progress.models import ResourceProgress, Status
from tests import factories

pytestmark = pytest.mark.django_db

SECRET_NOTE = "A's private note: struggling with eigenvalues"

GET_PAGES = [
    "progress:dashboard",
    "users:profile",
    "users:why",
    "users:export_json",
    "users:export_csv",
    "users:delete_account",
]


@pytest.fixture
def resource():
    return factories.ResourceFactory()


@pytest.fixture
def learner_a_progress(learner, resource):
    services.set_status(learner, resource, Status.IN_PROGRESS)
    services.save_note(learner, resource, SECRET_NOTE)
    return learner


@pytest.fixture
def client_b(client, other_learner):
    client.force_login(other_learner)
    return client


@pytest.mark.parametrize("name", GET_PAGES)
def test_anonymous_visitor_is_sent_to_login(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize("name", ["progress:set_status", "progress:save_note"])
def test_anonymous_post_to_a_resource_is_sent_to_login_and_changes_nothing(client, resource, name):
    response = client.post(reverse(name, args=[resource.pk]), {"status": "done", "note": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not ResourceProgress.objects.exists()


def test_learner_b_changing_status_on_a_resource_a_tracks_changes_only_bs_row(
    client_b, learner_a_progress, other_learner, resource
):
    client_b.post(reverse("progress:set_status", args=[resource.pk]), {"status": "skipped"})
    assert ResourceProgress.objects.get(user=learner_a_progress, resource=resource).status == "in_progress"
    assert ResourceProgress.objects.get(user=other_learner, resource=resource).status == "skipped"


def test_learner_b_writing_a_note_on_that_resource_leaves_as_note_alone(client_b, learner_a_progress, resource):
    client_b.post(reverse("progress:save_note", args=[resource.pk]), {"note": "B was here"})
    assert ResourceProgress.objects.get(user=learner_a_progress, resource=resource).note == SECRET_NOTE


def test_learner_b_does_not_see_as_note_or_status_in_the_json_answer(client_b, learner_a_progress, resource):
    data = client_b.post(
        reverse("progress:set_status", args=[resource.pk]), {"status": "done"}, HTTP_ACCEPT="application/json"
    ).json()
    assert data["note"] == ""
    assert SECRET_NOTE not in json.dumps(data)


def test_learner_b_does_not_see_as_note_on_the_stage_page(client_b, learner_a_progress, resource):
    html = client_b.get(resource.stage.get_absolute_url()).content.decode()
    assert "eigenvalues" not in html


def test_learner_b_does_not_see_as_progress_on_the_dashboard_even_with_a_user_parameter(
    client_b, learner_a_progress, resource
):
    html = client_b.get(reverse("progress:dashboard"), {"user": learner_a_progress.pk}).content.decode()
    recent = html.split('id="recent-title"')[1]
    assert "eigenvalues" not in html
    assert resource.title not in recent


def test_learner_b_exports_only_bs_data_even_with_a_user_parameter(client_b, learner_a_progress, other_learner):
    data = client_b.get(reverse("users:export_json"), {"user": learner_a_progress.pk, "user_id": 1}).json()
    assert data["profile"]["email"] == other_learner.email
    assert data["progress"] == []


def test_learner_b_cannot_edit_as_profile_by_posting_an_id(client_b, learner_a_progress, other_learner):
    client_b.post(
        reverse("users:profile"),
        {
            "id": learner_a_progress.pk,
            "email": learner_a_progress.email,
            "name": "Mallory",
            "why": "hijack",
            "reminder_frequency": "off",
            "reminder_inactivity_days": 7,
            "reminder_weekday": 0,
            "reminder_hour": 9,
            "timezone": "UTC",
        },
    )
    learner_a_progress.refresh_from_db()
    other_learner.refresh_from_db()
    assert learner_a_progress.why != "hijack"
    assert (other_learner.why, other_learner.email) == ("hijack", other_learner.email)
