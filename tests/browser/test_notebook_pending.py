"""A page whose check and rendering are not ready says so and updates itself once they are, with
JavaScript (the page polls its status) and without (the sandboxed notebook frame reloads itself)."""

import re

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell
from playwright.sync_api import expect

from capstones import services
from stages.models import CapstoneBrief
from tests import factories

from .steps import notebook, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_in_tmp"),
]

PROSE = "We explain this step in detail and say why the model needs it to learn well. " * 3


@pytest.fixture
def learner(curriculum):
    return factories.UserFactory(why="To build my own models")


@pytest.fixture
def pending_iteration(learner, monkeypatch):
    """Uploaded, with no worker having picked its jobs up yet."""
    import nbformat

    monkeypatch.setattr(services.submitting, "enqueue_on_commit", lambda task, *args: None)
    brief = CapstoneBrief.objects.get(key="capstone-1")
    nb = notebook(
        new_markdown_cell(PROSE),
        new_code_cell("import torch\nprint('Shown once rendered')", execution_count=1, outputs=[]),
    )
    iteration = services.submit_iteration(
        learner=learner,
        brief=brief,
        title="Pending",
        idea=brief.ideas.first(),
        own_problem="",
        repository_url="",
        write_up="Write-up.",
        notebook_bytes=nbformat.writes(nb).encode(),
        filename="pending.ipynb",
    )
    monkeypatch.undo()
    return iteration


def test_the_page_and_its_notebook_update_themselves_when_the_jobs_finish(
    live_server, new_page, learner, pending_iteration, javascript
):
    page = new_page(javascript=javascript)
    sign_in(page, live_server, learner)
    page.goto(live_server.url + pending_iteration.get_absolute_url())
    expect(page.locator("section.report")).to_contain_text("Check running")
    frame = page.frame_locator("iframe.notebook-frame")
    expect(frame.get_by_text(re.compile("being prepared"))).to_be_visible()

    services.run_rendering(pending_iteration.pk)
    expect(frame.get_by_text("Shown once rendered")).to_be_visible(timeout=20_000)

    services.run_analysis(pending_iteration.pk)
    # With script, the page polls and reloads; without, its <noscript> refresh reloads it.
    expect(page.locator("section.report .verdict")).to_be_visible(timeout=20_000)
