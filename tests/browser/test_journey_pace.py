"""A learner keeps a pace in a real browser: set a pace and see the projection; pause and get no reminder;
with earlier work, the figures of the dashboard, the pace page and the stage pages agree (issue #28)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from progress.models import PacePlan, Pause
from progress.reminders.sending import run_reminder_pass
from progress.services import set_status
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
    expect(page.locator(".pace-finish")).to_have_text(f"Projected finish: {finish.day} {finish:%B %Y}")
    expect(pace.get_by_test_id("pace-hours-left")).to_have_text("about 14 hours left")
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


HOURS_LEFT = re.compile(r"about \d+ hours? left")


def hours_left(locator) -> str:
    """The one "hours left" figure inside ``locator``."""
    return locator.get_by_test_id(re.compile(r"^(pace-)?hours-left$")).first.inner_text()


def test_a_learner_with_earlier_work_sets_a_plan_and_every_page_gives_the_same_figures(
    live_server, new_page, javascript, curriculum, screenshot
):
    from stages.models import Stage

    learner = factories.UserFactory(why="To build what I read about", timezone="UTC")
    first, second = Stage.objects.order_by("order")[:2]
    for resource in first.resources.filter(optional=False):
        set_status(learner, resource, "done")
    set_status(learner, second.resources.filter(optional=False).first(), "done")  # minutes before the plan

    page = new_page(javascript=javascript)
    sign_in(page, live_server, learner)
    page.goto(live_server.url + "/me/pace/")
    hours_field, date_field = page.get_by_label("Hours per week"), page.get_by_label("Finish by:", exact=True)
    if javascript:  # only the chosen mode's field
        expect(hours_field).to_be_visible()
        expect(date_field).to_be_hidden()
        page.get_by_label("A date to finish by").check()
        expect(date_field).to_be_visible()
        expect(hours_field).to_be_hidden()
        screenshot(page, "figures-pace-form-target")
        page.get_by_label("A number of hours each week").check()
        expect(date_field).to_be_hidden()
    else:  # both, each saying when it counts
        expect(hours_field).to_be_visible()
        expect(date_field).to_be_visible()
    page.get_by_label("A number of hours each week").check()
    hours_field.fill("10")
    page.get_by_role("button", name="Save the plan").click()

    page.wait_for_url(re.compile(r"/me/$"))
    pace = page.get_by_test_id("pace")
    # The work done before the plan is its baseline: on track, not "90 hours ahead".
    expect(pace).to_contain_text("On track with your 10 h/week plan")
    overall = hours_left(page.locator("section", has=page.locator("#overall-title")))
    assert HOURS_LEFT.fullmatch(overall)
    assert hours_left(pace) == overall

    def on_dashboard(stage):  # its own link, not the prompt to it from the stage before
        return page.locator(f'.stage-progress:has(> a[href="{stage.get_absolute_url()}"])')

    expect(on_dashboard(first).get_by_test_id("hours-left")).to_have_text("complete")
    second_on_dashboard = hours_left(on_dashboard(second))
    assert HOURS_LEFT.fullmatch(second_on_dashboard)
    screenshot(page, f"figures-dashboard-{'js' if javascript else 'no-js'}")

    page.get_by_role("link", name="Change your pace or add a pause").click()
    expect(page.get_by_role("heading", name="Your pace", level=1)).to_be_visible()
    standing = page.locator("section", has=page.locator("#standing-title"))
    expect(standing).to_contain_text("done since: 0 h")
    expect(standing).to_contain_text("done before the plan")
    assert hours_left(standing) == overall
    expect(page.locator(f'[data-stage="{first.slug}"]').get_by_test_id("hours-left")).to_have_text("complete")
    assert hours_left(page.locator(f'[data-stage="{second.slug}"]')) == second_on_dashboard
    capstone = page.locator('[data-stage="capstone-1"]')
    expect(capstone).to_contain_text("projected finish")
    expect(capstone).not_to_contain_text("nothing left")
    screenshot(page, f"figures-pace-{'js' if javascript else 'no-js'}")

    page.goto(live_server.url + second.get_absolute_url())
    assert hours_left(page.locator("#stage-completion")) == second_on_dashboard
    screenshot(page, f"figures-stage-{'js' if javascript else 'no-js'}")
    page.goto(live_server.url + "/stages/capstone-1/")
    assert HOURS_LEFT.fullmatch(hours_left(page.locator("#stage-completion")))

    if javascript:  # a phone, and dark mode
        phone = new_page(color_scheme="dark")
        phone.set_viewport_size({"width": 390, "height": 844})
        sign_in(phone, live_server, learner)
        phone.goto(live_server.url + "/me/pace/")
        expect(phone.get_by_label("Finish by:", exact=True)).to_be_hidden()
        screenshot(phone, "figures-pace-phone-dark")
        phone.goto(live_server.url + "/me/")
        screenshot(phone, "figures-dashboard-phone-dark")
