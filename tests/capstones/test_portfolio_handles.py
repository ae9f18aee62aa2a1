"""A portfolio worth sharing: handles, public descriptions, meta tags, downloads."""

import pytest
from django.urls import reverse

from capstones import services


@pytest.fixture
def shared(claimed, mentor, learner):
    approved = services.decide(claimed, mentor=mentor, decision="approved", feedback="")
    services.set_submission_public(approved, learner=learner, public=True)
    services.set_description(approved, learner=learner, description="A CNN that reads **digits**.")
    services.update_portfolio(learner, is_public=True, headline="Learning DL", handle="ada")
    return approved


def test_the_portfolio_lives_at_the_handle(client, shared):
    response = client.get("/u/ada/")
    assert response.status_code == 200
    assert shared.title in response.text


def test_each_capstone_has_its_own_page(client, shared):
    response = client.get(f"/u/ada/{shared.brief.key}/")
    assert "<strong>digits</strong>" in response.text


def test_the_public_page_shows_the_description_not_the_iteration_notes(client, shared):
    text = client.get("/u/ada/").text
    assert "reads <strong>digits</strong>" in text
    assert "I trained a" not in text


def test_the_description_is_sanitised(client, shared, learner):
    services.set_description(shared, learner=learner, description="<script>alert(1)</script>[x](javascript:alert(1))")
    text = client.get(f"/u/ada/{shared.brief.key}/").text
    assert "<script>alert" not in text
    assert 'href="javascript:' not in text


def test_the_learner_edits_the_description_after_approval(client, shared, learner):
    client.force_login(learner)
    client.post(reverse("capstones:description", kwargs={"pk": shared.pk}), {"description": "New words"})
    client.logout()
    assert "New words" in client.get("/u/ada/").text


def test_the_old_address_redirects_to_the_handle(client, shared, learner):
    slug = learner.portfolio.slug
    response = client.get(f"/capstones/p/{slug}/")
    assert (response.status_code, response.url) == (301, "/u/ada/")


def test_pages_carry_open_graph_and_twitter_tags(client, shared):
    text = client.get(f"/u/ada/{shared.brief.key}/").text
    assert f'<meta property="og:title" content="{shared.title}">' in text
    assert '<meta name="twitter:card" content="summary">' in text
    assert 'property="og:url" content="http://testserver/u/ada/' in text


def test_download_is_refused_unless_the_learner_allows_it(client, shared):
    assert client.get(f"/u/ada/{shared.brief.key}/download/").status_code == 404
    assert "Download the notebook" not in client.get(f"/u/ada/{shared.brief.key}/").text


def test_download_works_when_the_learner_allows_it(client, shared, learner):
    services.update_portfolio(learner, is_public=True, headline="", handle="ada", allow_download=True)
    response = client.get(f"/u/ada/{shared.brief.key}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_a_hidden_capstone_has_no_public_page(client, shared, learner):
    services.set_submission_public(shared, learner=learner, public=False)
    assert client.get(f"/u/ada/{shared.brief.key}/").status_code == 404


def test_a_private_portfolio_is_not_found_by_handle(client, shared, learner):
    services.update_portfolio(learner, is_public=False, headline="", handle="ada")
    assert client.get("/u/ada/").status_code == 404


def test_a_taken_handle_is_refused_with_a_message(client, shared, other_learner):
    client.force_login(other_learner)
    response = client.post(reverse("capstones:portfolio_settings"), {"handle": "ada", "headline": ""})
    assert "is taken" in response.text


def test_a_malformed_handle_is_refused_with_a_message_and_keeps_the_headline(client, learner):
    client.force_login(learner)
    response = client.post(reverse("capstones:portfolio_settings"), {"handle": "no spaces!", "headline": "My headline"})
    assert "lower-case letters" in response.text
    assert "My headline" in response.text


def test_the_public_notebook_stays_sandboxed(client, shared):
    response = client.get(f"/u/ada/{shared.brief.key}/notebook/")
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_the_completion_record_hook_is_empty_until_the_curriculum_provides_it(client, shared):
    assert client.get("/u/ada/").context["completion_record"] is None
