"""Posts that fail because the session ended or the CSRF token rotated keep their text
(dlcurriculum.drafts); saves tell the browser which drafts it may drop."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from dlcurriculum.users.models import WhyPromptDismissal
from progress.models import ResourceProgress
from tests import factories

NOTE = "Backprop finally clicked: chain rule, one node at a time."


@pytest.fixture
def resource(db):
    return factories.ResourceFactory()


@pytest.fixture
def csrf_client(learner):
    """A signed-in browser whose form carries a token that no longer matches its cookie."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    client.cookies["csrftoken"] = "a" * 32
    return client


def _same_origin():
    return {"HTTP_ORIGIN": "http://testserver", "HTTP_REFERER": "http://testserver/stages/x/"}


def test_rotated_csrf_token_gets_a_page_in_the_layout_showing_the_text_back(csrf_client, resource):
    response = csrf_client.post(
        reverse("progress:save_note", args=[resource.pk]),
        {"note": NOTE, "csrfmiddlewaretoken": "b" * 32},
        **_same_origin(),
    )
    assert response.status_code == 403
    assert "This page was out of date: nothing was saved" in response.text
    assert NOTE in response.text
    assert 'class="site-header"' in response.text
    assert not ResourceProgress.objects.exists()


def test_csrf_failure_page_never_echoes_tokens_or_passwords(csrf_client, resource):
    response = csrf_client.post(
        reverse("progress:save_note", args=[resource.pk]),
        {"note": NOTE, "csrfmiddlewaretoken": "b" * 32, "password": "hunter2-hunter2"},
        **_same_origin(),
    )
    assert "b" * 32 not in response.text
    assert "hunter2-hunter2" not in response.text


def test_csrf_failure_page_does_not_show_the_text_of_a_post_from_another_site(csrf_client, resource):
    response = csrf_client.post(
        reverse("progress:save_note", args=[resource.pk]),
        {"note": "Call +1 555 0100 now, your account is locked"},
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    assert "your account is locked" not in response.text


def test_csrf_failure_page_shows_hostile_input_bounded(csrf_client, resource):
    data = {f"field{i}": "x" * 50_000 for i in range(40)}
    response = csrf_client.post(reverse("progress:save_note", args=[resource.pk]), data, **_same_origin())
    assert response.status_code == 403
    assert response.text.count("<textarea") == 12
    assert "x" * 25_001 not in response.text


def test_csrf_failure_of_a_script_request_answers_json(csrf_client, resource):
    response = csrf_client.post(
        reverse("progress:save_note", args=[resource.pk]),
        {"note": NOTE},
        HTTP_ACCEPT="application/json",
        **_same_origin(),
    )
    assert response.status_code == 403
    assert "Reload the page" in response.json()["error"]


@pytest.mark.django_db
def test_post_after_the_session_ended_shows_the_text_and_a_sign_in_link_back_to_the_form(client):
    response = client.post(reverse("users:why"), {"why": "To build a model for my thesis."})
    assert response.status_code == 401
    assert "Your session has ended: nothing was saved" in response.text
    assert "To build a model for my thesis." in response.text
    assert f'href="{reverse("account_login")}?next=%2Fme%2Fwhy%2F"' in response.text


def test_note_sent_after_the_session_ended_leads_back_to_its_resource(client, resource):
    response = client.post(reverse("progress:save_note", args=[resource.pk]), {"note": NOTE})
    assert response.status_code == 401
    assert NOTE in response.text
    assert f"next=%2Fstages%2F{resource.stage.slug}%2F%23resource-{resource.pk}" in response.text


def test_note_script_is_told_the_session_ended_with_a_sign_in_address(client, resource):
    response = client.post(
        reverse("progress:save_note", args=[resource.pk]), {"note": NOTE}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 401
    assert "session has ended" in response.json()["error"]
    assert response.json()["login_url"].startswith(reverse("account_login") + "?next=")


def test_signing_in_with_next_returns_to_the_form(client, learner):
    WhyPromptDismissal.objects.create(user=learner)
    form_page = reverse("capstones:portfolio_settings")
    response = client.post(
        reverse("account_login"), {"login": learner.email, "password": factories.PASSWORD, "next": form_page}
    )
    assert response.status_code == 302
    assert response["Location"] == form_page


def _saved_drafts(response) -> list[str]:
    match = re.search(r'data-drafts-saved="([^"]*)"', response.text)
    return json.loads(match.group(1).replace("&quot;", '"')) if match else []


def test_the_page_after_a_saved_note_tells_the_browser_to_drop_its_draft(learner_client, resource):
    response = learner_client.post(reverse("progress:save_note", args=[resource.pk]), {"note": NOTE}, follow=True)
    assert _saved_drafts(response) == [f"note:{resource.pk}"]


def test_a_saved_draft_is_announced_once(learner_client, resource):
    learner_client.post(reverse("progress:save_note", args=[resource.pk]), {"note": NOTE}, follow=True)
    assert _saved_drafts(learner_client.get(reverse("dashboard"))) == []


def test_a_refused_note_is_not_announced_as_saved(learner_client, resource):
    response = learner_client.post(reverse("progress:save_note", args=[resource.pk]), {"note": "x" * 10_001})
    assert response.status_code == 400
    assert "x" * 10_001 in response.text
    assert _saved_drafts(response) == []


def test_every_long_text_form_keeps_a_draft_keyed_by_its_object(learner_client, resource):
    stage_page = learner_client.get(resource.stage.get_absolute_url())
    assert f'data-draft="note:{resource.pk}"' in stage_page.text
    assert 'data-draft="why"' in learner_client.get(reverse("users:why")).text
    assert 'data-draft="profile"' in learner_client.get(reverse("users:profile")).text
    assert 'data-draft="portfolio"' in learner_client.get(reverse("capstones:portfolio_settings")).text


def test_pages_load_the_draft_script_from_a_static_file(learner_client):
    response = learner_client.get(reverse("dashboard"))
    assert re.search(r'<script src="[^"]*js/drafts\.js" defer></script>', response.text)
    assert f'data-draft-user="{response.wsgi_request.user.pk}"' in response.text
