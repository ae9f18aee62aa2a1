"""Issue #35, finding 4: handles that pass for the site, a role or a route are refused, so are
look-alikes of other learners' handles, and a handle given up stays its learner's for a while
(their shared links lead to the new address) before anyone else may take it."""

from datetime import timedelta

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from capstones import services
from capstones.handles import RESERVED
from capstones.models import ReleasedHandle

OFFICIAL = ["admin", "staff", "support", "mentor", "dlcurriculum", "static", "accounts", "api", "null"]
LOOKING_OFFICIAL = ["ad-min", "adm1n", "5taff", "supp0rt", "rnentor", "nu11", "staff1", "support-team", "ada-admin"]


@pytest.mark.parametrize("handle", OFFICIAL + LOOKING_OFFICIAL)
def test_official_sounding_handles_are_refused_with_a_message(client, learner, handle):
    client.force_login(learner)
    response = client.post(reverse("capstones:portfolio_settings"), {"handle": handle, "headline": "Kept headline"})
    assert response.status_code == 200
    assert "reserved" in response.text or "kept for the site" in response.text
    assert "Kept headline" in response.text
    learner.refresh_from_db()
    assert services.portfolio_for(learner).handle is None


def test_every_route_of_the_site_is_reserved():
    prefixes = {str(p.pattern).split("/")[0].strip("^") for p in get_resolver().url_patterns}
    prefixes = {p for p in prefixes if p and p.isalnum()}
    assert prefixes  # admin, accounts, stages, me, capstones, u, mail, completion, healthz, ...
    assert prefixes <= RESERVED


def test_an_ordinary_handle_is_accepted(learner):
    assert services.update_portfolio(learner, is_public=True, headline="", handle="ada-lovelace").handle == (
        "ada-lovelace"
    )


@pytest.mark.parametrize("look_alike", ["a-da", "4da", "ad4", "a-d-a"])
def test_a_look_alike_of_another_learners_handle_is_refused(learner, other_learner, look_alike):
    services.update_portfolio(learner, is_public=True, headline="", handle="ada")
    with pytest.raises(services.HandleTakenError, match="looks too much like 'ada'"):
        services.update_portfolio(other_learner, is_public=True, headline="", handle=look_alike)


@pytest.fixture
def renamed(learner):
    services.update_portfolio(learner, is_public=True, headline="", handle="alice")
    return services.update_portfolio(learner, is_public=True, headline="", handle="alice-2")


def test_a_released_handle_is_held_for_its_learner(renamed, other_learner):
    for handle in ("alice", "a1ice"):
        with pytest.raises(services.HandleTakenError, match="recently given up by another learner"):
            services.update_portfolio(other_learner, is_public=True, headline="", handle=handle)


def test_links_with_the_old_handle_lead_to_the_new_one(client, renamed, claimed, mentor, learner):
    approved = services.decide(claimed, mentor=mentor, decision="approved", feedback="")
    services.set_submission_public(approved, learner=learner, public=True)
    response = client.get("/u/alice/")
    assert (response.status_code, response.url) == (302, "/u/alice-2/")
    response = client.get(f"/u/alice/{approved.brief.key}/")
    assert (response.status_code, response.url) == (302, f"/u/alice-2/{approved.brief.key}/")


def test_the_learner_may_take_their_old_handle_back(renamed, learner):
    assert services.update_portfolio(learner, is_public=True, headline="", handle="alice").handle == "alice"


def test_after_the_hold_someone_else_may_take_it(client, renamed, other_learner, settings):
    ReleasedHandle.objects.update(released_at=timezone.now() - timedelta(days=settings.CAPSTONE_HANDLE_HOLD_DAYS + 1))
    other_learner.name = "Bob"
    other_learner.save(update_fields=["name"])
    services.update_portfolio(other_learner, is_public=True, headline="", handle="alice")
    response = client.get("/u/alice/")
    assert response.status_code == 200
    assert "Bob's deep learning portfolio" in response.text


def test_an_unknown_handle_is_still_not_found(client, db):
    assert client.get("/u/nobody-here/").status_code == 404


def test_the_form_says_a_new_handle_breaks_shared_links(client, learner, settings):
    settings.CAPSTONE_HANDLE_HOLD_DAYS = 90
    client.force_login(learner)
    text = client.get(reverse("capstones:portfolio_settings")).text
    assert "Changing it breaks the links you have shared: for 90 days they lead to your new address" in text
