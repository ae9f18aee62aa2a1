"""Issue 30 in a browser, without JavaScript, on a 390 px phone in dark mode: the mentor scores the seed's
rubric (a missing criterion is refused with everything kept), approves, and the learner reads the scores."""

import re

import pytest
from playwright.sync_api import expect

from capstones import services
from tests import factories
from tests.submitting import submit_capstone

from .conftest import SCREENSHOTS
from .steps import score_rubric, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_in_tmp", "tasks_in_live_server"),
]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def claimed(curriculum, django_capture_on_commit_callbacks):
    from stages.models import CapstoneBrief

    learner = factories.UserFactory(name="Ada Learner")
    mentor = factories.MentorFactory(name="Grace Mentor")
    with django_capture_on_commit_callbacks(execute=True):
        iteration = submit_capstone(learner, CapstoneBrief.objects.get(key="capstone-1"))
    submission = services.claim(iteration.submission, mentor=mentor)
    return learner, mentor, submission


def phone_page(new_page):
    page = new_page(javascript=False, color_scheme="dark")
    page.set_viewport_size(PHONE)
    return page


def shoot_part(page, selector, name):
    """The part of the page a reviewer of this change looks at, beside the full-page screenshot."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(selector).first.screenshot(path=str(SCREENSHOTS / f"rubric-{name}.png"))


def assert_fits_the_phone(page, selector):
    for box in (page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count())):
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"] + 1, box


def test_the_mentor_scores_the_rubric_and_the_learner_reads_it(live_server, new_page, screenshot, claimed):
    learner, mentor, submission = claimed
    page = phone_page(new_page)
    sign_in(page, live_server, mentor)
    page.goto(live_server.url + submission.get_absolute_url() + "#comment-form")
    criteria = page.locator("fieldset.rubric-criterion")
    expect(criteria).to_have_count(4)
    expect(criteria.first).to_contain_text("Every step explained and justified")
    expect(criteria.nth(1)).to_contain_text("Own decisions throughout")
    # Every level is a touch target of its own, inside the phone's width.
    for box in (page.locator("label.rubric-level").nth(i).bounding_box() for i in range(4)):
        assert box["height"] >= 44
    assert_fits_the_phone(page, "fieldset.rubric-criterion")

    # One criterion scored and a decision: refused, with the message, the level and its comment kept.
    page.get_by_role("textbox", name=re.compile("^Message")).fill("Strong work; two things to tighten.")
    criteria.first.locator("label.rubric-level").filter(has_text="Throughout").click()
    page.get_by_label(re.compile("Comment on “Every step explained")).fill("The loss is justified well.")
    page.get_by_label("Approved", exact=True).check()
    page.locator("fieldset.rubric-criterion").first.scroll_into_view_if_needed()
    screenshot(page, "mentor-scoring-phone-dark")
    shoot_part(page, "form[data-draft^='comment:']", "mentor-form-phone-dark")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("Score every criterion of the rubric")
    expect(page.get_by_role("alert").first).to_contain_text("3 of 4 not scored")
    expect(page.get_by_role("textbox", name=re.compile("^Message"))).to_have_value(
        "Strong work; two things to tighten."
    )
    expect(page.get_by_label(re.compile("Comment on “Every step explained"))).to_have_value(
        "The loss is justified well."
    )
    expect(page.locator("fieldset.rubric-criterion.has-error")).to_have_count(3)
    screenshot(page, "mentor-refused-phone-dark")
    shoot_part(page, "main", "mentor-refused-phone-dark")

    # Every criterion scored (the first kept its level), sent again from the same page: approved.
    for i, level in ((1, "Own decisions throughout"), (2, "Solved and honestly evaluated"), (3, "Presentable")):
        criteria.nth(i).locator("label.rubric-level").filter(has_text=level).click()
    page.get_by_role("button", name="Send again", exact=True).click()
    expect(page.locator(".status")).to_have_text("Approved")

    learner_page = phone_page(new_page)
    sign_in(learner_page, live_server, learner)
    learner_page.goto(live_server.url + submission.get_absolute_url())
    scores = learner_page.locator("section.rubric-review")
    expect(scores).to_contain_text("The mentor’s scores for iteration 1")
    expect(scores.locator("li.rubric-score")).to_have_count(4)
    expect(scores.locator("li.rubric-score").first).to_contain_text("Throughout (3 of 3)")
    expect(scores.locator("li.rubric-score").first).to_contain_text("The loss is justified well.")
    expect(scores.locator("li.rubric-score").last).to_contain_text("Presentable (2 of 3)")
    assert_fits_the_phone(learner_page, "li.rubric-score")
    scores.scroll_into_view_if_needed()
    screenshot(learner_page, "learner-scores-phone-dark")
    shoot_part(learner_page, "section.rubric-review", "learner-scores-phone-dark")


def test_the_scoring_form_in_light_mode_on_a_desktop(live_server, new_page, screenshot, claimed):
    _learner, mentor, submission = claimed
    page = new_page(javascript=True)
    sign_in(page, live_server, mentor)
    page.goto(live_server.url + submission.get_absolute_url() + "#comment-form")
    score_rubric(page)
    expect(page.locator("label.rubric-level:has(input:checked)")).to_have_count(4)
    screenshot(page, "mentor-scoring-desktop-light")
    shoot_part(page, ".rubric-form", "mentor-form-desktop-light")
