"""Script in a notebook's outputs never runs in the app's origin, in a real browser.

Each payload, if it ran, would open a dialog and mark the document it runs in
(``data-pwned`` on <html>); the tests look for both. The payloads are live:
``test_payloads_run_when_served_unprotected`` shows they fire in a plain page.
"""

import re

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output
from playwright.sync_api import expect

from capstones import services
from capstones.models import Submission
from stages.models import CapstoneBrief
from tests import factories
from tests.rubrics import all_scored
from tests.submitting import submit_capstone

from .steps import notebook, sign_in, submit_first_iteration, write_notebook

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_in_tmp", "tasks_in_live_server"),
]

MARK = "document.documentElement.dataset.pwned = '{0}'; alert('{0}')"
SCRIPT = f"<script>{MARK.format('script')}</script>"
IMG = f'<img src="x" onerror="{MARK.format("img")}">'
SVG_SCRIPT = f"<svg xmlns='http://www.w3.org/2000/svg'><script>{MARK.format('svg-script')}</script></svg>"
SVG_ONLOAD = f"<svg xmlns='http://www.w3.org/2000/svg' onload=\"{MARK.format('svg-onload')}\"><circle r='4'/></svg>"
PAYLOADS = [SCRIPT, IMG, SVG_SCRIPT, SVG_ONLOAD]


def hostile_notebook():
    return notebook(
        new_markdown_cell("# Hostile outputs\n\nEvery output below tries to run script."),
        new_code_cell(
            "import torch\ndisplay(HTML(payload))",
            execution_count=1,
            outputs=[
                new_output("display_data", data={"text/html": SCRIPT + "<p>Output one is shown.</p>"}),
                new_output("display_data", data={"text/html": IMG + "<p>Output two is shown.</p>"}),
                new_output("display_data", data={"text/html": SVG_SCRIPT + "<p>Output three is shown.</p>"}),
                new_output("display_data", data={"image/svg+xml": SVG_ONLOAD, "text/plain": "<svg>"}),
                new_output(
                    "display_data",
                    data={"application/javascript": MARK.format("js-mime"), "text/plain": "JavaScript output"},
                ),
                new_output("execute_result", data={"text/html": IMG.replace("img'", "result'")}, execution_count=1),
            ],
        ),
        new_markdown_cell(SCRIPT + IMG + SVG_SCRIPT),
    )


@pytest.fixture
def learner(curriculum):
    return factories.UserFactory(why="To build my own models")


def watch_dialogs(page) -> list[str]:
    dialogs: list[str] = []

    def record(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return dialogs


def assert_nothing_ran(page, frame_url_part: str, dialogs: list[str]):
    for frame in page.frames:
        assert frame.evaluate("document.documentElement.dataset.pwned || null") is None, frame.url
    assert any(frame_url_part in frame.url for frame in page.frames)
    assert dialogs == []


def test_payloads_run_when_served_unprotected(new_page):
    # Guards the probe: without sanitising and sandboxing, each payload would fire.
    page = new_page()
    dialogs = watch_dialogs(page)
    for payload in PAYLOADS:
        page.set_content(f"<!doctype html><html><body>{payload}</body></html>")
        page.wait_for_function("document.documentElement.dataset.pwned !== undefined")
    assert dialogs == ["script", "img", "svg-script", "svg-onload"]


def test_notebook_outputs_cannot_run_script_on_the_submission_page(live_server, new_page, learner, tmp_path):
    page = new_page()
    dialogs = watch_dialogs(page)
    sign_in(page, live_server, learner)
    submit_first_iteration(
        page, live_server, write_notebook(tmp_path, hostile_notebook(), "hostile.ipynb"), title="Hostile"
    )

    frame = page.locator("iframe.notebook-frame")
    # No script; only a click on the app's own "Comment on cell N" links leaves the frame.
    assert frame.get_attribute("sandbox") == "allow-top-navigation-by-user-activation"
    rendered = page.frame_locator("iframe.notebook-frame")
    expect(rendered.get_by_text("Output three is shown.")).to_be_visible()
    expect(rendered.get_by_text("JavaScript output")).to_be_visible()
    page.wait_for_load_state("load")
    assert_nothing_ran(page, "/notebook/", dialogs)


def test_notebook_opened_directly_cannot_run_script_in_the_app_origin(live_server, new_page, learner, tmp_path):
    page = new_page()
    dialogs = watch_dialogs(page)
    sign_in(page, live_server, learner)
    submit_first_iteration(
        page, live_server, write_notebook(tmp_path, hostile_notebook(), "hostile.ipynb"), title="Hostile"
    )
    frame_src = page.locator("iframe.notebook-frame").get_attribute("src")

    response = page.goto(live_server.url + frame_src)
    assert response.headers["content-security-policy"].startswith("sandbox ")
    assert "allow-scripts" not in response.headers["content-security-policy"]
    expect(page.get_by_text("Output one is shown.")).to_be_visible()
    page.wait_for_load_state("load")
    assert_nothing_ran(page, "/notebook/", dialogs)
    # A sandboxed document has an opaque origin: it cannot read the app's cookies or storage.
    assert page.evaluate("self.origin") == "null"


def test_public_portfolio_notebook_cannot_run_script(live_server, new_page, learner, tmp_path):
    mentor = factories.MentorFactory()
    brief = CapstoneBrief.objects.get(key="capstone-1")
    iteration = submit_capstone(learner, brief, hostile_notebook(), title="Hostile", filename="hostile.ipynb")
    submission = Submission.objects.get(pk=iteration.submission_id)
    services.claim(submission, mentor=mentor)
    submission = services.decide(submission, mentor=mentor, decision="approved", feedback="", scores=all_scored(brief))
    services.set_submission_public(submission, learner=learner, public=True)
    portfolio = services.update_portfolio(learner, is_public=True, headline="")

    visitor = new_page()
    dialogs = watch_dialogs(visitor)
    visitor.goto(live_server.url + portfolio.get_absolute_url())
    assert visitor.locator("iframe.notebook-frame").get_attribute("sandbox") == ""
    expect(visitor.frame_locator("iframe.notebook-frame").get_by_text("Output two is shown.")).to_be_visible()
    visitor.wait_for_load_state("load")
    assert_nothing_ran(visitor, "/notebook/", dialogs)
    assert re.search(r"/capstones/p/\w+/$", visitor.url)
