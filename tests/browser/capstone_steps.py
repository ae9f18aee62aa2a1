"""Shared steps for the capstone browser tests: notebooks made with nbformat, sign-in, upload."""

import re

import nbformat
import pytest
from nbformat.v4 import new_notebook
from playwright.sync_api import expect

from tests.factories import PASSWORD

CAPSTONE_STAGE = "/stages/capstone-1/"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _tasks_in_live_server(tasks_in_process):
    """Run enqueued tasks in the live server's thread, also when REDIS_URL points at a broker.

    The report is then ready when the page after the upload loads. The real worker on
    real Redis is proven in tests/capstones/test_worker.py.
    """


def notebook(*cells) -> nbformat.NotebookNode:
    nb = new_notebook(cells=list(cells), metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    nbformat.validate(nb)
    return nb


def write_notebook(tmp_path, nb, name: str):
    path = tmp_path / name
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path


def sign_in(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def submit_first_iteration(page, live_server, notebook_path, *, title: str):
    """From the Capstone I stage page, through the submit link and form, to iteration 1's page."""
    page.goto(live_server.url + CAPSTONE_STAGE)
    page.get_by_role("link", name="Submit your notebook").click()
    expect(page.get_by_role("heading", name=re.compile("Submit: Capstone I"))).to_be_visible()
    page.get_by_label(re.compile(r"^Title")).fill(title)
    page.get_by_label(re.compile(r"^Problem")).select_option(label="Hand written digit recognition")
    page.get_by_label("Jupyter notebook (.ipynb)").set_input_files(notebook_path)
    page.get_by_label("Write up").fill("I trained a **small** CNN on MNIST and explain every step.")
    page.get_by_role("button", name="Submit", exact=True).click()
    page.wait_for_url(re.compile(r"/capstones/submissions/\d+/iterations/1/$"))
