"""A learner tracks resources on a stage page in a real browser, with JavaScript on and off."""

import re

import pytest
from playwright.sync_api import expect

from progress.models import ResourceProgress
from tests import factories

from .steps import fill_sign_in_form, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def long_stage():
    stage = factories.StageFactory(slug="long-stage", title="A long stage")
    for order in range(1, 13):
        factories.ResourceFactory(stage=stage, order=order, description="A resource worth reading. " * 12)
    return stage


def test_first_sign_in_asks_why_and_can_be_skipped(live_server, new_page, learner):
    page = new_page()
    sign_in(page, live_server, learner)
    expect(page.get_by_role("heading", name="Why are you learning deep learning?")).to_be_visible()
    page.get_by_role("button", name="Skip for now").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name="Dashboard")).to_be_visible()


def test_status_and_note_change_in_place_without_losing_the_scroll_position(
    live_server, new_page, learner, long_stage, screenshot
):
    learner.why = "To understand what I use"
    learner.save()
    csp_errors = []
    page = new_page()
    page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    sign_in(page, live_server, learner)
    page.goto(live_server.url + long_stage.get_absolute_url())
    resource = long_stage.resources.get(order=9)
    item = page.locator(f"#resource-{resource.pk}")
    item.scroll_into_view_if_needed()
    page.evaluate("window.sameDocument = true")
    scroll_before = page.evaluate("window.scrollY")
    assert scroll_before > 0

    item.get_by_role("button", name="Done").click()
    expect(item.get_by_role("button", name="Done")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#stage-completion")).to_contain_text("1 of 12 done")
    item.locator("summary").click()
    item.locator("textarea").fill("Revisit the second half")
    item.get_by_role("button", name="Save note").click()
    expect(item.locator(".progress-message")).to_contain_text("saved")
    screenshot(page, "stage-in-place")

    assert page.evaluate("window.sameDocument") is True
    assert page.evaluate("window.scrollY") == scroll_before
    row = ResourceProgress.objects.get(user=learner, resource=resource)
    assert (row.status, row.note) == ("done", "Revisit the second half")
    assert csp_errors == []


def test_status_change_works_as_a_plain_form_without_javascript(live_server, new_page, learner, long_stage):
    learner.why = "To understand what I use"
    learner.save()
    page = new_page(javascript=False)
    sign_in(page, live_server, learner)
    page.goto(live_server.url + long_stage.get_absolute_url())
    resource = long_stage.resources.get(order=9)
    page.locator(f"#resource-{resource.pk}").get_by_role("button", name="Skipped").click()
    page.wait_for_url(re.compile(rf"#resource-{resource.pk}$"))
    item = page.locator(f"#resource-{resource.pk}")
    expect(item.get_by_role("button", name="Skipped")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#stage-completion")).to_contain_text("1 skipped")
    assert ResourceProgress.objects.get(user=learner, resource=resource).status == "skipped"


def test_expired_session_says_so_and_leads_to_login_and_back_to_the_resource(
    live_server, new_page, learner, long_stage
):
    learner.why = "To understand what I use"
    learner.save()
    page = new_page()
    sign_in(page, live_server, learner)
    page.goto(live_server.url + long_stage.get_absolute_url())
    resource = long_stage.resources.get(order=5)
    page.context.clear_cookies(name="sessionid")  # the session expired; the CSRF cookie stays
    item = page.locator(f"#resource-{resource.pk}")
    item.get_by_role("button", name="Done").click()
    expect(item.locator(".progress-message")).to_contain_text("Your session has ended, so this was not saved")
    item.get_by_role("link", name="Sign in again").click()
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    fill_sign_in_form(page, learner)
    page.wait_for_url(re.compile(rf"{long_stage.get_absolute_url()}#resource-{resource.pk}$"))
    assert not ResourceProgress.objects.filter(user=learner).exists()


def test_dashboard_shows_next_up_and_the_chart(live_server, new_page, learner, long_stage, screenshot):
    learner.why = "To understand what I use"
    learner.save()
    page = new_page()
    sign_in(page, live_server, learner)
    page.get_by_role("link", name="Dashboard").click()
    first = long_stage.resources.get(order=1)
    expect(page.locator(".next-up")).to_have_text(first.title)
    expect(page.locator("svg.activity-chart rect.chart-bar")).to_have_count(26)
    screenshot(page, "dashboard")
