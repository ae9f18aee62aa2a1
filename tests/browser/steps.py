"""Steps the browser journeys share: signing in, notebooks made with nbformat, the capstone upload."""

import re
import time

import nbformat
from nbformat.v4 import new_notebook
from playwright.sync_api import expect

from tests.factories import PASSWORD, TOTP_SECRET
from tests.totp import current_code

CAPSTONE_STAGE = "/stages/capstone-1/"


def fill_sign_in_form(page, user):
    """On the sign-in page: the user's e-mail and the factories' password, then submit; mentors and
    admins then give their authenticator app's code (tests/totp.py)."""
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    page.wait_for_load_state()
    if "/accounts/2fa/authenticate/" in page.url:
        give_authenticator_code(page)


def give_authenticator_code(page, secret: str = TOTP_SECRET):
    """The code the app shows now. Each code signs in once: the same person signing in twice within
    one 30-second window waits for the next code, as they would with their phone."""
    for _ in range(2):
        page.fill("input[name=code]", current_code(secret))
        page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
        page.wait_for_load_state()
        if "/accounts/2fa/authenticate/" not in page.url:
            return
        time.sleep(30 - time.time() % 30 + 0.5)
    raise AssertionError("the authenticator code was refused twice")


def sign_in(page, live_server, user):
    """Sign in through the real form; signed in once the nav offers to log out."""
    page.goto(live_server.url + "/accounts/login/")
    fill_sign_in_form(page, user)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def notebook(*cells) -> nbformat.NotebookNode:
    nb = new_notebook(cells=list(cells), metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    nbformat.validate(nb)
    return nb


def write_notebook(tmp_path, nb, name: str):
    path = tmp_path / name
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path


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


def score_rubric(page) -> int:
    """In the mentor's review form: choose each criterion's strongest level by clicking its label, as a
    person does. Returns how many criteria the rubric has."""
    criteria = page.locator("fieldset.rubric-criterion")
    for i in range(criteria.count()):
        criteria.nth(i).locator("label.rubric-level").last.click()
    return criteria.count()
