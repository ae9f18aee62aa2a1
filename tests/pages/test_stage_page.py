"""The stage page and the status / note endpoints, with and without JavaScript."""

import re

import pytest
from django.urls import reverse

from progress import services
from progress.models import ResourceProgress, Status
from tests import factories

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def stage():
    stage = factories.StageFactory()
    for order in (1, 2, 3):
        factories.ResourceFactory(stage=stage, order=order)
    return stage


def first_resource(stage):
    return stage.resources.order_by("order").first()


def test_stage_page_shows_status_controls_and_note_form_to_a_learner(learner_client, stage):
    resource = first_resource(stage)
    html = learner_client.get(stage.get_absolute_url()).content.decode()
    assert f'action="{reverse("progress:set_status", args=[resource.pk])}"' in html
    assert f'action="{reverse("progress:save_note", args=[resource.pk])}"' in html


def test_stage_page_marks_the_learners_current_status_as_pressed(learner_client, learner, stage):
    services.set_status(learner, first_resource(stage), Status.DONE)
    html = learner_client.get(stage.get_absolute_url()).content.decode()
    assert re.search(r'value="done" class="status-button status-done" aria-pressed="true"', html)


def test_stage_page_shows_no_progress_controls_to_anonymous_visitors(client, stage):
    html = client.get(stage.get_absolute_url()).content.decode()
    assert "status-button" not in html
    assert "js/progress.js" not in html


def test_stage_page_loads_the_progress_script_from_a_static_file_without_inline_script(learner_client, stage):
    html = learner_client.get(stage.get_absolute_url()).content.decode()
    assert re.search(r'<script src="[^"]*js/progress\.js" defer></script>', html)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+\s*=", html)


def test_stage_page_shows_completion_with_done_and_skipped(learner_client, learner, stage):
    resources = list(stage.resources.order_by("order"))
    services.set_status(learner, resources[0], Status.DONE)
    services.set_status(learner, resources[1], Status.SKIPPED)
    html = learner_client.get(stage.get_absolute_url()).content.decode()
    assert "1 of 3 done" in html
    assert "1 skipped" in html


def test_plain_form_status_change_redirects_back_to_the_resource_anchor(learner_client, learner, stage):
    resource = first_resource(stage)
    response = learner_client.post(reverse("progress:set_status", args=[resource.pk]), {"status": "in_progress"})
    assert response.status_code == 302
    assert response["Location"] == f"{stage.get_absolute_url()}#resource-{resource.pk}"
    assert ResourceProgress.objects.get(user=learner, resource=resource).status == "in_progress"


def test_fetch_status_change_answers_json_with_the_new_stage_completion(learner_client, stage):
    resource = first_resource(stage)
    response = learner_client.post(reverse("progress:set_status", args=[resource.pk]), {"status": "done"}, **JSON)
    data = response.json()
    assert (data["status"], data["changed"]) == ("done", True)
    assert data["completion"]["done"] == 1
    assert data["completion"]["total"] == 3
    assert "1 of 3 done" in data["completion_html"]


def test_status_change_without_csrf_token_is_refused(client, learner, stage):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(learner)
    response = csrf_client.post(reverse("progress:set_status", args=[first_resource(stage).pk]), {"status": "done"})
    assert response.status_code == 403
    assert not ResourceProgress.objects.filter(user=learner).exists()


def test_unknown_status_gets_a_clear_json_error(learner_client, learner, stage):
    url = reverse("progress:set_status", args=[first_resource(stage).pk])
    response = learner_client.post(url, {"status": "finished"}, **JSON)
    assert response.status_code == 400
    assert "Choose one of" in response.json()["error"]


@pytest.mark.parametrize("name", ["progress:set_status", "progress:save_note"])
def test_get_on_a_progress_endpoint_changes_nothing_and_leads_to_the_resource(learner_client, learner, stage, name):
    resource = first_resource(stage)
    response = learner_client.get(reverse(name, args=[resource.pk]), {"status": "done", "note": "x"})
    assert response["Location"] == f"{stage.get_absolute_url()}#resource-{resource.pk}"
    assert not ResourceProgress.objects.filter(user=learner).exists()


def test_status_for_a_resource_that_does_not_exist_is_404(learner_client):
    assert learner_client.post(reverse("progress:set_status", args=[999999]), {"status": "done"}).status_code == 404


def test_plain_form_note_is_saved_and_shown_on_the_stage_page(learner_client, stage):
    resource = first_resource(stage)
    learner_client.post(reverse("progress:save_note", args=[resource.pk]), {"note": "Revisit <b>lesson 3</b>"})
    html = learner_client.get(stage.get_absolute_url()).content.decode()
    assert "Revisit &lt;b&gt;lesson 3&lt;/b&gt;</textarea>" in html


def test_too_long_note_without_javascript_shows_the_text_again_with_a_message(learner_client, learner, stage):
    resource = first_resource(stage)
    text = "keep me " * 1300
    response = learner_client.post(reverse("progress:save_note", args=[resource.pk]), {"note": text})
    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 10000 characters" in html
    assert text.strip() in html
    assert not ResourceProgress.objects.filter(user=learner).exists()


def test_new_resource_is_flagged_on_the_stage_page_for_a_learner_who_started_the_stage(learner_client, learner, stage):
    services.set_status(learner, first_resource(stage), Status.DONE)
    added = factories.ResourceFactory(stage=stage, order=4, title="Freshly added")
    html = learner_client.get(stage.get_absolute_url()).content.decode()
    block = html.split(f'id="resource-{added.pk}"')[1].split("</li>")[0]
    assert "tag-new" in block
    assert "1 of 4 done" in html


def test_plain_form_unknown_status_shows_a_message_and_a_way_back(learner_client, stage):
    resource = first_resource(stage)
    response = learner_client.post(reverse("progress:set_status", args=[resource.pk]), {"status": "finished"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose one of" in html
    assert f'href="{stage.get_absolute_url()}#resource-{resource.pk}"' in html


def test_fetch_note_save_answers_json_with_the_saved_note(learner_client, learner, stage):
    resource = first_resource(stage)
    data = learner_client.post(reverse("progress:save_note", args=[resource.pk]), {"note": "  tricky  "}, **JSON).json()
    assert (data["note"], data["status"], data["changed"]) == ("tricky", "not_started", True)
