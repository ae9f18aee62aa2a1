"""Nothing typed is lost, in a real browser: drafts survive a reload, a session that
ends before the text is sent, and a security token rotated by a sign-in elsewhere."""

import re

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell
from playwright.sync_api import expect

from capstones.models import Iteration
from dlcurriculum.users.models import WhyPromptDismissal
from progress.models import ResourceProgress
from tests import factories

from .steps import CAPSTONE_STAGE, notebook, sign_in, write_notebook

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_in_tmp", "tasks_in_live_server"),
]

NOTE = "Chain rule, node by node: finally clear. Revisit the softmax gradient."
WRITE_UP = "I trained a small CNN on MNIST.\n\nWhat I learned: normalise the inputs first."


@pytest.fixture
def learner_who_answered_why(learner):
    WhyPromptDismissal.objects.create(user=learner)
    return learner


@pytest.fixture
def resource(db):
    return factories.ResourceFactory(stage=factories.StageFactory(slug="basics", title="Basics"))


def drafts_in_browser(page) -> dict:
    return page.evaluate(
        "() => Object.fromEntries(Object.keys(localStorage).filter(k => k.startsWith('dlc-draft:'))"
        ".map(k => [k, JSON.parse(localStorage.getItem(k))]))"
    )


def end_session(page):
    """The session cookie is gone (expired); the CSRF cookie stays, as it does in a browser."""
    page.context.clear_cookies(name="sessionid")


def sign_in_again(page, user):
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    page.wait_for_load_state()


def test_a_note_typed_when_the_session_ended_is_kept_and_restored_after_signing_in(
    live_server, new_page, learner_who_answered_why, resource, screenshot
):
    page = new_page()
    sign_in(page, live_server, learner_who_answered_why)
    page.goto(live_server.url + resource.stage.get_absolute_url())
    item = page.locator(f"#resource-{resource.pk}")
    item.locator("summary").click()
    item.locator("textarea[name=note]").fill(NOTE)
    end_session(page)
    item.get_by_role("button", name="Save note").click()

    message = item.locator(".progress-message")
    expect(message).to_contain_text("Your session has ended, so this was not saved")
    screenshot(page, "session-ended")
    message.get_by_role("link", name="Sign in again").click()
    sign_in_again(page, learner_who_answered_why)

    page.wait_for_url(re.compile(re.escape(resource.stage.get_absolute_url())))
    item = page.locator(f"#resource-{resource.pk}")
    expect(item.locator("textarea[name=note]")).to_have_value(NOTE)
    expect(page.locator(".draft-notice")).to_contain_text("not saved yet")
    assert not ResourceProgress.objects.filter(note=NOTE).exists()

    item.get_by_role("button", name="Save note").click()
    expect(item.locator(".progress-message")).to_contain_text("saved")
    assert ResourceProgress.objects.get(user=learner_who_answered_why, resource=resource).note == NOTE
    assert drafts_in_browser(page) == {}


def test_a_draft_survives_a_reload_and_is_dropped_once_saved(live_server, new_page, learner_who_answered_why):
    page = new_page()
    sign_in(page, live_server, learner_who_answered_why)
    page.goto(live_server.url + "/me/why/")
    page.get_by_label("Why are you learning deep learning?").fill("To build models for my thesis on birdsong.")
    page.wait_for_function("() => Object.keys(localStorage).some(k => k.startsWith('dlc-draft:'))")
    page.reload()

    expect(page.get_by_label("Why are you learning deep learning?")).to_have_value(
        "To build models for my thesis on birdsong."
    )
    page.get_by_role("button", name="Save my why").click()
    page.wait_for_load_state()
    learner_who_answered_why.refresh_from_db()
    assert learner_who_answered_why.why == "To build models for my thesis on birdsong."
    assert drafts_in_browser(page) == {}


def test_a_draft_is_per_user(live_server, new_page, learner_who_answered_why, other_learner):
    WhyPromptDismissal.objects.create(user=other_learner)
    page = new_page()
    sign_in(page, live_server, learner_who_answered_why)
    page.goto(live_server.url + "/me/why/")
    page.get_by_label("Why are you learning deep learning?").fill("Private reasons of the first learner.")
    page.wait_for_function("() => Object.keys(localStorage).some(k => k.startsWith('dlc-draft:'))")
    end_session(page)
    page.goto(live_server.url + "/accounts/login/?next=/me/why/")
    sign_in_again(page, other_learner)

    page.wait_for_url(re.compile(r"/me/why/$"))
    expect(page.get_by_label("Why are you learning deep learning?")).to_have_value("")


def test_a_write_up_sent_after_the_session_ended_is_shown_back_and_restored_in_the_form(
    live_server, new_page, curriculum, learner_who_answered_why, tmp_path, screenshot
):
    nb = notebook(new_markdown_cell("# Digits"), new_code_cell("import torch"))
    page = new_page()
    sign_in(page, live_server, learner_who_answered_why)
    page.goto(live_server.url + CAPSTONE_STAGE)
    page.get_by_role("link", name="Submit your notebook").click()
    page.get_by_label(re.compile(r"^Title")).fill("Digits with a CNN")
    page.get_by_label(re.compile(r"^Problem")).select_option(label="Hand written digit recognition")
    page.get_by_label("Jupyter notebook (.ipynb)").set_input_files(write_notebook(tmp_path, nb, "digits.ipynb"))
    page.get_by_label("Write up").fill(WRITE_UP)
    end_session(page)
    page.get_by_role("button", name="Submit", exact=True).click()

    expect(page.get_by_role("heading", name="Your session has ended: nothing was saved")).to_be_visible()
    expect(page.locator(".kept-text textarea").filter(has_text="normalise the inputs")).to_have_count(1)
    screenshot(page, "kept-text")
    page.get_by_role("link", name="Sign in again").click()
    sign_in_again(page, learner_who_answered_why)

    expect(page.get_by_role("heading", name=re.compile("Submit: Capstone I"))).to_be_visible()
    expect(page.get_by_label("Write up")).to_have_value(WRITE_UP)
    expect(page.get_by_label(re.compile(r"^Title"))).to_have_value("Digits with a CNN")
    assert not Iteration.objects.exists()


def test_without_javascript_a_post_with_a_rotated_token_shows_the_text_back(
    live_server, new_page, learner_who_answered_why, screenshot
):
    page = new_page(javascript=False)
    sign_in(page, live_server, learner_who_answered_why)
    page.goto(live_server.url + "/me/why/")
    page.get_by_label("Why are you learning deep learning?").fill("Because I want to understand transformers.")
    # As when signing in again in another tab: the browser's CSRF cookie is no longer the form's.
    page.context.add_cookies([{"name": "csrftoken", "value": "x" * 32, "url": live_server.url}])
    page.get_by_role("button", name="Save my why").click()

    expect(page.get_by_role("heading", name="This page was out of date: nothing was saved")).to_be_visible()
    expect(page.locator(".kept-text textarea")).to_have_value("Because I want to understand transformers.")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Curriculum", exact=True)
    ).to_be_visible()
    screenshot(page, "csrf-failure")
