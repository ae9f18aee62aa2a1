"""Issue 28: a learner and a mentor hold a capstone conversation in Chromium with nothing configured
(tasks in-process, console-style mail, the local beat sending the due batches), and each hears of
the other's every step exactly once, by e-mail and in the navigation.

The local beat is a thread under ``runserver``; here the test runs its tick (``local_beat.run_once``)
between the steps, with the batches' quiet delay at 0 so a tick finds each burst over.
"""

import re

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output
from playwright.sync_api import expect

from dlcurriculum import local_beat
from tests import factories

from .steps import notebook, score_rubric, sign_in, submit_first_iteration, write_notebook

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_in_tmp", "tasks_in_live_server"),
]

PROSE = (
    "Here we explain what this step does and why the model needs it: the data, the shapes, "
    "and the choice we make compared with the alternatives we considered."
)


@pytest.fixture
def people(curriculum):
    learner = factories.UserFactory(name="Ada Learner", email="ada@example.com", why="To build my own models")
    mentor = factories.MentorFactory(name="Grace Mentor", email="grace@example.com", why="To help others")
    return learner, mentor


def torch_notebook():
    return notebook(
        new_markdown_cell(f"# Digits with a small CNN\n\n{PROSE}"),
        new_code_cell(
            "import torch\nloss = torch.tensor(0.125)\nloss",
            execution_count=1,
            outputs=[new_output("execute_result", data={"text/plain": "tensor(0.125)"}, execution_count=1)],
        ),
    )


def beat_and_read(mailoutbox, people) -> dict:
    """Two ticks of the local beat (a second tick must not send again); the e-mails each got."""
    local_beat.run_once()
    local_beat.run_once()
    learner, mentor = people
    got = {
        "learner": [m for m in mailoutbox if learner.email in m.to],
        "mentor": [m for m in mailoutbox if mentor.email in m.to],
    }
    mailoutbox.clear()
    return got


def nav_badge(page, link_name: str):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile(link_name)).locator(".badge")


def test_learner_and_mentor_each_hear_of_the_others_every_step_once(
    live_server, new_page, screenshot, people, tmp_path, mailoutbox, settings
):
    settings.CAPSTONE_NOTIFY_DELAY_SECONDS = 0
    learner, mentor = people
    learner_page = new_page()
    mentor_page = new_page(color_scheme="dark")
    sign_in(learner_page, live_server, learner)
    sign_in(mentor_page, live_server, mentor)
    mailoutbox.clear()

    # The learner submits: the mentor is told by e-mail, and the navigation counts the queue.
    submit_first_iteration(
        learner_page, live_server, write_notebook(tmp_path, torch_notebook(), "digits.ipynb"), title="Digits with a CNN"
    )
    got = beat_and_read(mailoutbox, people)
    assert (len(got["learner"]), len(got["mentor"])) == (0, 1)
    assert "Ada Learner submitted it; it is ready for review" in got["mentor"][0].subject
    mentor_page.goto(live_server.url + "/")
    expect(nav_badge(mentor_page, "Review queue")).to_have_text("1")

    # The mentor claims it and comments on cell 2: the learner is told what, and where.
    mentor_page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("Review queue")).click()
    mentor_page.get_by_role("row").filter(has_text="Digits with a CNN").get_by_role("button", name="Claim").click()
    expect(mentor_page.get_by_text("You are reviewing this submission.")).to_be_visible()
    expect(nav_badge(mentor_page, "Review queue")).to_have_count(0)
    mentor_page.frame_locator("iframe.notebook-frame").get_by_role("link", name="Comment on cell 2").click()
    mentor_page.get_by_role("textbox", name=re.compile("^Message")).fill("Why this loss, and not another?")
    mentor_page.get_by_role("button", name="Send", exact=True).click()
    expect(mentor_page.get_by_text("Message sent.")).to_be_visible()
    got = beat_and_read(mailoutbox, people)
    assert (len(got["learner"]), len(got["mentor"])) == (1, 0)
    assert "Grace Mentor commented on cell 2" in got["learner"][0].subject
    assert "Why this loss, and not another?" in got["learner"][0].body

    # The learner finds it under Waiting (which clears its count once seen) and replies.
    learner_page.goto(live_server.url + "/")
    expect(nav_badge(learner_page, "Waiting")).to_have_text("1")
    learner_page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("Waiting")).click()
    expect(learner_page.locator("main")).to_contain_text("Grace Mentor commented on cell 2")
    expect(nav_badge(learner_page, "Waiting")).to_have_count(0)
    learner_page.locator("main ul.inbox").first.get_by_role("link", name="Digits with a CNN").first.click()
    learner_page.get_by_role("textbox", name=re.compile("^Message")).fill("It is a classification: cross-entropy.")
    learner_page.get_by_role("button", name="Send", exact=True).click()
    expect(learner_page.get_by_text("Message sent.")).to_be_visible()
    got = beat_and_read(mailoutbox, people)
    assert (len(got["learner"]), len(got["mentor"])) == (0, 1)
    assert "Ada Learner commented" in got["mentor"][0].subject

    # The mentor approves: the learner gets the decision, said as what it is, once.
    mentor_page.reload()
    score_rubric(mentor_page)
    mentor_page.get_by_label("Approved", exact=True).check()
    mentor_page.get_by_role("textbox", name=re.compile("^Message")).fill("Clear and well argued.")
    mentor_page.get_by_role("button", name="Send", exact=True).click()
    expect(mentor_page.locator(".status")).to_have_text("Approved")
    got = beat_and_read(mailoutbox, people)
    assert (len(got["learner"]), len(got["mentor"])) == (1, 0)
    assert "is approved" in got["learner"][0].subject
    learner_page.goto(live_server.url + "/capstones/waiting/")
    expect(learner_page.locator("main")).to_contain_text("Grace Mentor approved your capstone")
    screenshot(learner_page, "waiting-after-approval")
    mentor_page.locator("iframe.notebook-frame").scroll_into_view_if_needed()
    expect(mentor_page.frame_locator("iframe.notebook-frame").locator(".cell").first).to_be_visible()
    mentor_page.wait_for_timeout(500)  # a sandboxed frame paints in its own process
    screenshot(mentor_page, "mentor-after-approval-dark")
    mentor_page.set_viewport_size({"width": 390, "height": 844})
    mentor_page.locator("iframe.notebook-frame").scroll_into_view_if_needed()
    mentor_page.wait_for_timeout(500)
    # The full page, then the window alone (where the frame is).
    mentor_page.screenshot(path=str(screenshot(mentor_page, "mentor-390-dark").with_name("frame-390-dark.png")))
    # The frame is the window's height on a phone, and the notebook is also offered as a page.
    frame_box = mentor_page.locator("iframe.notebook-frame").bounding_box()
    assert frame_box["width"] >= 360  # the page's own margin only
    assert frame_box["height"] >= 700
    expect(mentor_page.get_by_role("link", name="Read the notebook on a page of its own")).to_be_visible()

    # Nothing is sent twice, however long the beat goes on.
    assert beat_and_read(mailoutbox, people) == {"learner": [], "mentor": []}
