"""A learner keeps a pace in a real browser: set a pace and see the projection; pause and get no reminder."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from progress.models import PacePlan, Pause
from progress.reminders.sending import run_reminder_pass
from tests import factories

from .steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def planned_stage():
    stage = factories.StageFactory(slug="planned", title="A planned stage")
    for order, hours in enumerate((6, 8), start=1):
        factories.ResourceFactory(stage=stage, order=order, title=f"Resource {order}", effort_hours=hours)
    return stage


def reminded_learner(**kwargs):
    """A learner due an inactivity reminder in the pass that runs now (their hour, inactive for weeks)."""
    now = timezone.now()
    defaults = {
        "why": "To build what I read about",
        "timezone": "UTC",
        "reminder_frequency": "inactivity",
        "reminder_inactivity_days": 7,
        "reminder_hour": now.hour,
        "date_joined": now - timedelta(days=30),
    }
    return factories.UserFactory(**{**defaults, **kwargs})


def test_setting_a_pace_shows_the_projection_on_the_dashboard(
    live_server, new_page, javascript, learner, planned_stage, screenshot
):
    learner.why = "To build what I read about"
    learner.save()
    page = new_page(javascript=javascript)
    sign_in(page, live_server, learner)
    page.goto(live_server.url + "/me/")
    page.get_by_role("link", name="Set a pace").click()
    expect(page.get_by_role("heading", name="Your pace", level=1)).to_be_visible()
    page.get_by_label("A number of hours each week").check()
    page.get_by_label("Hours per week").fill("7")
    page.get_by_role("button", name="Save the plan").click()

    page.wait_for_url(re.compile(r"/me/$"))
    pace = page.get_by_test_id("pace")
    expect(pace).to_contain_text("On track with your 7 h/week plan")
    # 14 hours at an hour a day: the 14th day from today, today included.
    finish = timezone.now().date() + timedelta(days=13)  # the learner's zone is UTC
    expect(pace).to_contain_text(f"Projected finish: {finish.day} {finish:%B %Y}")
    expect(page.locator(".pace-finish")).to_contain_text("about 14 h left")
    screenshot(page, f"pace-dashboard-{'js' if javascript else 'no-js'}")
    assert PacePlan.objects.get(user=learner).hours_per_week == 7


def test_a_pause_set_in_the_browser_keeps_the_reminder_pass_from_writing_to_that_learner(
    live_server, new_page, planned_stage, mailoutbox, screenshot
):
    paused, other = reminded_learner(), reminded_learner()
    page = new_page()
    sign_in(page, live_server, paused)
    page.goto(live_server.url + "/me/pace/")
    today = timezone.now().date()  # the learner's zone is UTC
    page.get_by_label("First day").fill(today.isoformat())
    page.get_by_label("Last day").fill((today + timedelta(days=14)).isoformat())
    page.get_by_label("What for (optional)").fill("Exam month")
    page.get_by_role("button", name="Add the pause").click()
    expect(page.locator(".pauses")).to_contain_text("Exam month")
    expect(page.locator(".pauses")).to_contain_text("now")
    screenshot(page, "pace-page-paused")
    assert Pause.objects.filter(user=paused).count() == 1

    # A week and a day later, at their hour: both are due an inactivity reminder, one is paused.
    result = run_reminder_pass(now=timezone.now() + timedelta(days=8))

    assert [m.to for m in mailoutbox] == [[other.email]]
    assert (result.sent, result.held) == (1, 1)
