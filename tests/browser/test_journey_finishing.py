"""A learner continues where they were and finishes a stage, in a real browser, with and without JavaScript."""

import pytest
from playwright.sync_api import expect

from progress.models import ResourceProgress
from tests import factories
from tests.browser.test_journey_progress import sign_in

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
