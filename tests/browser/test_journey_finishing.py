"""A new learner lands on their dashboard, continues where they were and finishes a stage, in a real
browser, with and without JavaScript; the dashboard in dark mode."""

import re

import pytest
from playwright.sync_api import expect

from progress.models import ResourceProgress
from tests import factories
from tests.factories import PASSWORD

from .steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_stages(live_server):
    first = factories.StageFactory(order=1, slug="first", title="First stage")
    second = factories.StageFactory(order=2, slug="second", title="Second stage")
    # The resource is a page of the app's own live server: a real local target for the new tab.
    resources = [
        factories.ResourceFactory(stage=first, order=1, title="Read this first", url=live_server.url + "/robots.txt"),
        factories.ResourceFactory(stage=first, order=2, title="Then this", url=live_server.url + "/healthz"),
    ]
    factories.ResourceFactory(stage=second, order=1, title="Second stage reading")
    return first, second, resources


def test_continue_opens_the_next_resource_in_a_new_tab_and_marks_it_in_progress(
    live_server, new_page, learner, two_stages, javascript
):
    learner.why = "To build things"
    learner.save()
    page = new_page(javascript=javascript)
    sign_in(page, live_server, learner)
    page.goto(live_server.url + "/me/")
    with page.context.expect_page() as new_tab:
        page.get_by_role("button", name="Continue: Read this first").click()
    tab = new_tab.value
    tab.wait_for_load_state()
    assert tab.url == two_stages[2][0].url
    assert ResourceProgress.objects.get(user=learner, resource=two_stages[2][0]).status == "in_progress"
    page.reload()
    expect(page.get_by_role("button", name="Continue: Read this first")).to_be_visible()


def test_finishing_a_stage_shows_it_complete_with_a_prompt_to_the_next(
    live_server, new_page, learner, two_stages, javascript
):
    learner.why = "To build things"
    learner.save()
    first, _second, _ = two_stages
    page = new_page(javascript=javascript)
    sign_in(page, live_server, learner)
    page.goto(live_server.url + first.get_absolute_url())
    for resource in first.resources.all():
        page.locator(f"#resource-{resource.pk}").get_by_role("button", name="Done").click()
        expect(page.locator(f"#resource-{resource.pk}").get_by_role("button", name="Done")).to_have_attribute(
            "aria-pressed", "true"
        )
    page.reload()
    expect(page.get_by_text("Stage complete")).to_be_visible()
    page.get_by_role("link", name="Stage 2, Second stage →").first.click()
    expect(page.get_by_role("heading", name="2. Second stage")).to_be_visible()
    page.goto(live_server.url + "/me/")
    stages_on_dashboard = page.locator(".stage-progress")
    expect(stages_on_dashboard.nth(0).get_by_text("Stage complete")).to_be_visible()
    expect(stages_on_dashboard.nth(1).get_by_text("Stage complete")).to_have_count(0)


def test_signing_up_lands_the_new_learner_on_their_dashboard(live_server, new_page, mailoutbox, two_stages, javascript):
    page = new_page(javascript=javascript)
    page.goto(live_server.url + "/accounts/signup/")
    page.fill("input[name=email]", "newcomer@example.com")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.get_by_role("button", name=re.compile("Sign up", re.I)).click()
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mailoutbox[-1].body).group(1)
    page.goto(live_server.url + link)
    page.get_by_role("button", name=re.compile("Confirm", re.I)).click()
    page.wait_for_load_state()
    if "/me/why/" in page.url:  # a new learner is asked why once; skipping leads on
        page.get_by_role("button", name=re.compile("Skip", re.I)).click()
        page.wait_for_load_state()
    if "/accounts/login/" in page.url:  # confirming signs in only when the settings say so
        page.fill("input[name=login]", "newcomer@example.com")
        page.fill("input[name=password]", PASSWORD)
        page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
        page.wait_for_load_state()
        if "/me/why/" in page.url:
            page.get_by_role("button", name=re.compile("Skip", re.I)).click()
            page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()
    expect(page.get_by_role("button", name="Continue: Read this first")).to_be_visible()


def test_dashboard_in_dark_mode_follows_the_system(live_server, new_page, learner, two_stages, screenshot):
    learner.why = "To build things"
    learner.save()
    page = new_page(color_scheme="dark")
    sign_in(page, live_server, learner)
    page.goto(live_server.url + "/me/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    channels = [int(c) for c in re.findall(r"\d+", background)[:3]]
    assert max(channels) < 80, background  # a dark background, not the light theme's
    screenshot(page, "dashboard-dark")
