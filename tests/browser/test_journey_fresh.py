"""The stage page never contradicts the learner's last action (issue #28), in a real browser: after a
status change Continue leads to the next unfinished resource and "Stage complete" appears at 100 %,
without a reload; keyboard-only saving keeps the focus, with a visible ring, on the control used."""

import re

import pytest
from playwright.sync_api import expect

from progress import services
from progress.models import ResourceProgress
from stages.models import Stage
from tests import factories

from .steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stage(live_server):
    stage = factories.StageFactory(order=1, slug="fresh", title="Fresh stage")
    factories.StageFactory(order=2, slug="after", title="After stage")
    # Pages of the app's own live server: real local targets for Continue's new tab.
    for order, (title, path) in enumerate([("One", "/robots.txt"), ("Two", "/healthz"), ("Three", "/readyz")], 1):
        factories.ResourceFactory(stage=stage, order=order, title=title, url=live_server.url + path)
    return stage


@pytest.fixture
def signed_in(live_server, new_page, learner):
    learner.why = "To build things"
    learner.save()

    def make(**options):
        page = new_page(**options)
        sign_in(page, live_server, learner)
        return page

    return make


def status_button(page, resource, name):
    return page.locator(f"#resource-{resource.pk}").get_by_role("button", name=name, exact=True)


def test_after_a_status_change_continue_leads_to_the_next_unfinished_resource_and_the_stage_completes(
    live_server, signed_in, learner, stage, javascript, screenshot
):
    one, two, three = stage.resources.order_by("order")
    page = signed_in(javascript=javascript)
    page.goto(live_server.url + stage.get_absolute_url())
    if javascript:
        page.evaluate("window.sameDocument = true")
    expect(page.get_by_role("button", name=re.compile("^Continue: One"))).to_be_visible()

    status_button(page, one, "Done").click()
    expect(status_button(page, one, "Done")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name=re.compile("^Continue: One"))).to_have_count(0)
    with page.context.expect_page() as new_tab:
        page.get_by_role("button", name=re.compile("^Continue: Two")).click()
    tab = new_tab.value
    tab.wait_for_url(two.url)
    tab.close()
    assert ResourceProgress.objects.get(user=learner, resource=two).status == "in_progress"
    if javascript:  # the page says so too (without JavaScript, the form only opened the tab)
        expect(status_button(page, two, "In progress")).to_have_attribute("aria-pressed", "true")
        expect(page.locator("#stage-completion")).to_contain_text("1 in progress")

    status_button(page, three, "Skipped").click()
    expect(status_button(page, three, "Skipped")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name=re.compile("^Continue: Two"))).to_be_visible()
    expect(page.locator("#stage-completion")).not_to_contain_text("Stage complete")
    status_button(page, two, "Done").click()
    completion = page.locator("#stage-completion")
    expect(completion).to_contain_text("✓ Stage complete")
    expect(completion).to_contain_text("2 of 3 done")
    expect(completion.get_by_role("link", name=re.compile("Stage 2, After stage"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Continue:"))).to_have_count(0)
    if javascript:
        assert page.evaluate("window.sameDocument") is True  # no reload
        screenshot(page, "stage-complete")


def focus_state(page):
    """The focused element's id, text and whether it shows a visible ring."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {
                text: (el.textContent || "").trim(),
                tag: el.tagName,
                visible: el.matches(":focus-visible"),
                outline: style.outlineStyle + " " + style.outlineWidth,
            };
        }"""
    )


def test_keyboard_only_saving_keeps_the_focus_on_the_used_control_with_a_visible_ring(
    live_server, signed_in, learner, stage, screenshot
):
    one, two, _three = stage.resources.order_by("order")
    page = signed_in()
    page.goto(live_server.url + stage.get_absolute_url())
    page.evaluate("window.sameDocument = true")
    # Start on the first resource's "In progress" and go on with the keyboard only.
    status_button(page, one, "In progress").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Done"
    expect(status_button(page, one, "Done")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#resource-{one.pk} .progress-message")).to_contain_text("done")
    expect(status_button(page, one, "Done")).to_be_focused()
    assert focus_state(page) == {"text": "Done", "tag": "BUTTON", "visible": True, "outline": "solid 3px"}

    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # "Skipped"
    expect(status_button(page, one, "Skipped")).to_have_attribute("aria-pressed", "true")
    expect(status_button(page, one, "Skipped")).to_be_focused()
    assert focus_state(page)["visible"] is True
    screenshot(page, "status-focus")

    # Continue with the keyboard: the tab opens, and the focus stays on Continue on this page.
    page.get_by_role("button", name=re.compile("^Continue: Two")).focus()
    with page.context.expect_page() as new_tab:
        page.keyboard.press("Enter")
    new_tab.value.wait_for_url(two.url)
    new_tab.value.close()
    expect(status_button(page, two, "In progress")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name=re.compile("^Continue: Two"))).to_be_focused()
    assert focus_state(page)["visible"] is True

    item = page.locator(f"#resource-{two.pk}")
    status_button(page, two, "Skipped").focus()
    page.keyboard.press("Tab")  # the note's summary
    page.keyboard.press("Enter")  # opens it
    page.keyboard.press("Tab")  # the note
    page.keyboard.type("Come back to this")
    page.keyboard.press("Tab")  # "Save note"
    page.keyboard.press("Enter")
    expect(item.locator(".progress-message")).to_contain_text("saved")
    save = item.get_by_role("button", name="Save note")
    expect(save).to_be_focused()
    assert focus_state(page) == {"text": "Save note", "tag": "BUTTON", "visible": True, "outline": "solid 3px"}
    assert ResourceProgress.objects.get(user=learner, resource=two).note == "Come back to this"
    assert page.evaluate("window.sameDocument") is True
    screenshot(page, "note-focus")


@pytest.mark.parametrize(("width", "scheme"), [(390, "light"), (390, "dark"), (1200, "dark")])
def test_the_focus_ring_shows_on_a_phone_and_in_dark_mode(live_server, signed_in, stage, width, scheme, screenshot):
    one = stage.resources.get(order=1)
    page = signed_in(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(live_server.url + stage.get_absolute_url())
    status_button(page, one, "Not started").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "In progress"
    expect(status_button(page, one, "In progress")).to_have_attribute("aria-pressed", "true")
    expect(status_button(page, one, "In progress")).to_be_focused()
    assert focus_state(page)["visible"] is True
    screenshot(page, f"{width}-{scheme}")


@pytest.mark.parametrize(("width", "scheme"), [(1200, "light"), (390, "light"), (390, "dark")])
def test_the_dashboard_names_one_next_step(live_server, signed_in, learner, stage, width, scheme, screenshot):
    one, _two, _three = stage.resources.order_by("order")
    later = factories.ResourceFactory(stage=Stage.objects.get(slug="after"), order=1, title="Later reading")
    services.set_status(learner, one, "done")
    services.open_resource(learner, later)  # where the learner was, while the first stage is unfinished
    page = signed_in(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/me/")
    expect(page.get_by_role("button", name=re.compile("^Continue: Later reading"))).to_be_visible()
    expect(page.locator(".next-up")).to_have_text("Later reading")
    expect(page.locator(".stage-progress.current")).to_contain_text("After stage")
    screenshot(page, f"{width}-{scheme}")
