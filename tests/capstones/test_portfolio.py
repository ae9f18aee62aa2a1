import pytest
from django.urls import reverse

from capstones import services
from capstones.models import Portfolio


@pytest.fixture
def approved(claimed, mentor):
    return services.decide(claimed, mentor=mentor, decision="approved", feedback="Well done.")


@pytest.fixture
def public_portfolio(learner):
    return services.update_portfolio(learner, is_public=True, headline="Deep learning, step by step")


def test_portfolio_is_private_by_default(client, learner, approved):
    portfolio = services.portfolio_for(learner)
    assert portfolio.is_public is False
    assert client.get(portfolio.get_absolute_url()).status_code == 404


def test_portfolio_slug_is_not_guessable(learner, other_learner):
    slugs = {services.portfolio_for(u).slug for u in (learner, other_learner)}
    assert len(slugs) == 2
    assert all(len(s) >= 16 for s in slugs)


def test_public_portfolio_shows_public_approved_capstone(client, learner, approved, public_portfolio):
    services.set_submission_public(approved, learner=learner, public=True)
    response = client.get(public_portfolio.get_absolute_url())
    assert response.status_code == 200
    assert approved.title in response.text
    assert "https://example.com/repo" in response.text
    assert approved.approved_at.strftime("%-d %B %Y") in response.text
    frame = reverse("capstones:portfolio_notebook", kwargs={"slug": public_portfolio.slug, "pk": approved.pk})
    assert frame in response.text


def test_public_portfolio_hides_capstones_not_made_public(client, approved, public_portfolio):
    assert approved.title not in client.get(public_portfolio.get_absolute_url()).text


def test_public_portfolio_notebook_is_sandboxed(client, learner, approved, public_portfolio):
    services.set_submission_public(approved, learner=learner, public=True)
    url = reverse("capstones:portfolio_notebook", kwargs={"slug": public_portfolio.slug, "pk": approved.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("sandbox;")


def test_hidden_capstone_notebook_is_not_served_on_the_portfolio(client, approved, public_portfolio):
    url = reverse("capstones:portfolio_notebook", kwargs={"slug": public_portfolio.slug, "pk": approved.pk})
    assert client.get(url).status_code == 404


def test_notebook_of_private_portfolio_is_not_served(client, learner, approved):
    services.set_submission_public(approved, learner=learner, public=True)
    portfolio = services.portfolio_for(learner)
    url = reverse("capstones:portfolio_notebook", kwargs={"slug": portfolio.slug, "pk": approved.pk})
    assert client.get(url).status_code == 404


def test_other_learners_submission_is_not_served_through_my_portfolio(client, other_learner, approved, learner):
    services.set_submission_public(approved, learner=learner, public=True)
    mine = services.update_portfolio(other_learner, is_public=True, headline="")
    url = reverse("capstones:portfolio_notebook", kwargs={"slug": mine.slug, "pk": approved.pk})
    assert client.get(url).status_code == 404


def test_learner_turns_the_portfolio_public_from_settings(learner_client, learner):
    response = learner_client.post(reverse("capstones:portfolio_settings"), {"is_public": "on", "headline": "Hi"})
    assert response.status_code == 302
    assert Portfolio.objects.get(learner=learner).is_public is True


def test_learner_shows_approved_capstone_via_visibility_toggle(learner_client, approved):
    learner_client.post(reverse("capstones:visibility", kwargs={"pk": approved.pk}), {"public": "1"})
    approved.refresh_from_db()
    assert approved.is_public is True


def test_unapproved_capstone_cannot_be_shown(learner_client, submission):
    response = learner_client.post(
        reverse("capstones:visibility", kwargs={"pk": submission.pk}), {"public": "1"}, follow=True
    )
    submission.refresh_from_db()
    assert submission.is_public is False
    assert "Only an approved capstone" in response.text


def test_a_failed_rendering_is_not_retried_by_anonymous_portfolio_views(
    client, learner, approved, public_portfolio, monkeypatch
):
    from capstones import notebooks
    from capstones.models import Rendering

    services.set_submission_public(approved, learner=learner, public=True)
    Rendering.objects.filter(iteration__submission=approved).update(
        status="failed", html="", error="This notebook cannot be shown here (KeyError); download it instead."
    )
    monkeypatch.setattr(notebooks, "render_document", lambda *a, **k: pytest.fail("rendered in a page view"))
    monkeypatch.setattr(notebooks, "load_notebook", lambda *a, **k: pytest.fail("parsed in a page view"))
    url = reverse("capstones:portfolio_notebook", kwargs={"slug": public_portfolio.slug, "pk": approved.pk})
    for _ in range(3):
        assert "cannot be shown here (KeyError)" in client.get(url).text
    assert Rendering.objects.get(iteration__submission=approved).attempts == 1
