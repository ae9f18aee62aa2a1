"""A learner marks a resource done and says how long it took, in a real browser, with JavaScript
on and off (issue #31); the staff's insight page shows the figures."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from progress import services
from progress.models import ResourceProgress, Status, TimeSpent
from tests import factories

from .steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stage():
    stage = factories.StageFactory(slug="timed-stage", title="A stage with a long course")
    factories.ResourceFactory(stage=stage, order=1, title="A short paper", effort_hours=3)
    factories.ResourceFactory(stage=stage, order=2, title="A long course", effort_hours=90)
    return stage


@pytest.fixture
def ready_learner(learner):
    learner.why = "To understand what I use"
    learner.save()
    return learner


def test_marking_done_asks_how_long_and_a_preset_answers_in_place(
    live_server, new_page, ready_learner, stage, screenshot
):
    page = new_page()
    sign_in(page, live_server, ready_learner)
    page.goto(live_server.url + stage.get_absolute_url())
    resource = stage.resources.get(order=2)
    item = page.locator(f"#resource-{resource.pk}")
    expect(item.locator(".time-spent-form")).to_have_count(0)
    page.evaluate("window.sameDocument = true")

    item.get_by_role("button", name="Done").click()
    question = item.locator(".time-spent-form")
    expect(question).to_contain_text("How long did it take you?")
    expect(question).to_contain_text("of about 90 h")
    expect(question.locator("button.time-preset")).to_have_text(["50 h", "90 h", "150 h", "200 h"])
    screenshot(page, "question")
    question.get_by_role("button", name="150 h").click()
    expect(item.locator(".progress-message")).to_contain_text("thank you, 150 h noted")
    expect(item.locator(".time-spent summary")).to_have_text("You said it took 150 h")
    expect(item.locator(".time-spent-form")).to_be_hidden()  # folded under the answer, to change it
    assert page.evaluate("window.sameDocument") is True
    assert TimeSpent.objects.get(user=ready_learner, resource=resource).minutes == 150 * 60

    # The other resource: done, then skipped in one click; it is not asked again on a reload.
    short = stage.resources.get(order=1)
    other = page.locator(f"#resource-{short.pk}")
    other.get_by_role("button", name="Done").click()
    other.get_by_role("button", name="Skip", exact=True).click()
    expect(other.locator(".progress-message")).to_contain_text("you will not be asked again")
    page.reload()
    expect(page.locator(f"#resource-{short.pk} .time-spent-form")).to_have_count(0)
    assert TimeSpent.objects.get(user=ready_learner, resource=short).minutes is None


def test_without_javascript_done_then_a_number_of_hours_and_bad_input_keeps_the_done_mark(
    live_server, new_page, ready_learner, stage
):
    page = new_page(javascript=False)
    sign_in(page, live_server, ready_learner)
    page.goto(live_server.url + stage.get_absolute_url())
    resource = stage.resources.get(order=1)
    page.locator(f"#resource-{resource.pk}").get_by_role("button", name="Done").click()
    page.wait_for_url(re.compile(rf"#resource-{resource.pk}$"))
    item = page.locator(f"#resource-{resource.pk}")
    expect(item.get_by_role("button", name="Done")).to_have_attribute("aria-pressed", "true")
    # Out of bounds: the browser's own check would stop it; a server-side check says the same.
    item.locator("input[name=hours]").evaluate("field => { field.removeAttribute('max'); field.value = '5000'; }")
    item.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("How long did it take? Choose an answer or type")
    expect(page.locator("input[name=hours]")).to_have_value("5000")
    assert ResourceProgress.objects.get(user=ready_learner, resource=resource).status == Status.DONE
    page.locator("input[name=hours]").fill("2.5")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"#resource-{resource.pk}$"))
    expect(page.locator(f"#resource-{resource.pk} .time-spent summary")).to_have_text("You said it took 2.5 h")
    assert TimeSpent.objects.get(user=ready_learner, resource=resource).minutes == 150


@pytest.mark.parametrize("width", [1200, 390])
def test_the_question_in_dark_mode_and_on_a_phone(live_server, new_page, ready_learner, stage, screenshot, width):
    resource = stage.resources.get(order=2)
    services.set_status(ready_learner, resource, Status.DONE)
    page = new_page(color_scheme="dark")
    page.set_viewport_size({"width": width, "height": 844})
    sign_in(page, live_server, ready_learner)
    page.goto(live_server.url + stage.get_absolute_url() + f"#resource-{resource.pk}")
    question = page.locator(f"#resource-{resource.pk} .time-spent-form")
    expect(question).to_be_visible()
    box = question.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= width
    screenshot(page, f"dark-{width}")


def test_staff_see_the_figures_on_the_insight_page(live_server, new_page, staff, stage, screenshot, settings):
    settings.TIME_SPENT_MIN_ANSWERS = 3
    resource = stage.resources.get(order=2)
    for hours in (60, 64, 70):
        someone = factories.UserFactory()
        services.set_status(someone, resource, Status.DONE)
        services.answer_time_spent(someone, resource, hours)
    page = new_page()
    sign_in(page, live_server, staff)
    page.goto(live_server.url + reverse("curriculum_insight"))
    expect(page.get_by_text("3 learners answered, median 64 h vs estimate 90 h")).to_be_visible()
    screenshot(page, "insight")
