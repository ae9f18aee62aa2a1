"""Study groups in a real browser (issue #32): the owner starts a group and shares its invite link, a
second learner joins on the confirm page and posts, both see each other's progress, one hides
theirs, and an outsider with the group's address finds nothing."""

import pytest
from playwright.sync_api import expect

from progress.services import set_status
from stages.models import Resource
from tests import factories

from .steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_invites_by_link_a_learner_joins_posts_both_see_progress_one_hides_outsider_gets_404(
    live_server, new_page, javascript, curriculum, screenshot
):
    owner = factories.UserFactory(name="Olga Owner", why="Olga's private why")
    member = factories.UserFactory(name="Mia Member")
    outsider = factories.UserFactory(name="Otto Outsider")
    resources = list(Resource.objects.filter(optional=False).order_by("stage__order", "order")[:2])
    set_status(owner, resources[0], "done")
    set_status(member, resources[0], "done")
    set_status(member, resources[1], "in_progress")

    # The owner starts the group from the nav's "Groups".
    page = new_page(javascript=javascript)
    sign_in(page, live_server, owner)
    page.get_by_role("link", name="Groups", exact=True).click()
    page.get_by_role("link", name="Start a group").click()
    page.get_by_label("Name").fill("Friday club")
    page.get_by_label("Description").fill("We study on Fridays.")
    page.get_by_label("Weekly goal (hours)").fill("10")
    page.get_by_role("button", name="Start the group").click()
    expect(page.get_by_role("heading", name="Friday club", level=1)).to_be_visible()
    invite = page.get_by_test_id("invite-url").inner_text()
    assert "/groups/join/" in invite
    group_path = page.url.removeprefix(live_server.url)

    # The second learner follows the link, confirms, and posts.
    other = new_page(javascript=javascript)
    sign_in(other, live_server, member)
    other.goto(live_server.url + invite.removeprefix("http://localhost:8000"))
    expect(other.get_by_role("heading", name="Join “Friday club”?")).to_be_visible()
    expect(other.get_by_text("Olga Owner started this study group")).to_be_visible()
    other.get_by_role("button", name="Join the group").click()
    expect(other.get_by_role("heading", name="Friday club", level=1)).to_be_visible()
    other.get_by_role("textbox", name="Message").fill("Hello! I am on **chapter 2**.")
    other.get_by_role("button", name="Post").click()
    expect(other.get_by_test_id("message").first).to_contain_text("I am on chapter 2")
    expect(other.locator(".group-message strong", has_text="chapter 2")).to_be_visible()

    # Both see each other's progress, never the "why".
    members = other.get_by_test_id("member")
    expect(members).to_have_count(2)
    expect(members.filter(has_text="Olga Owner")).to_contain_text("of the curriculum done")
    page.goto(live_server.url + group_path)
    expect(page.get_by_test_id("member").filter(has_text="Mia Member")).to_contain_text("Working on")
    expect(page.get_by_test_id("message").first).to_contain_text("Mia Member")
    assert "Olga's private why" not in page.content()
    screenshot(page, "owner-desktop")

    # Mia hides her progress from the group: Olga sees her name only.
    other.get_by_label("Hide my progress from this group").check()
    other.get_by_role("button", name="Save my settings").click()
    expect(other.get_by_text("Your settings for this group are saved.")).to_be_visible()
    page.reload()
    mia = page.get_by_test_id("member").filter(has_text="Mia Member")
    expect(mia).to_contain_text("Keeps their progress to themselves")
    expect(mia).not_to_contain_text("Working on")

    # An outsider with the group's address finds nothing.
    stranger = new_page(javascript=javascript)
    sign_in(stranger, live_server, outsider)
    response = stranger.goto(live_server.url + group_path)
    assert response.status == 404
    assert "Mia Member" not in stranger.content()

    # The member's page on a phone, in dark mode.
    phone = new_page(javascript=javascript, color_scheme="dark")
    phone.set_viewport_size({"width": 390, "height": 844})
    sign_in(phone, live_server, member)
    phone.goto(live_server.url + group_path)
    expect(phone.get_by_role("heading", name="Friday club", level=1)).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px phone"
    screenshot(phone, "member-phone-dark")
