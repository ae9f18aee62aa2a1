"""Issue 34 in Chromium: a mentor sets up an authenticator app (the test computes its codes) before the
review queue opens and signs in with it; a stolen session is ended from the profile; a learner signs
in with GitHub on the local OAuth2 server (tests/oauth_provider.py). Phone width, dark mode."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.factories import PASSWORD
from tests.totp import current_code

from .steps import give_authenticator_code, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
MIN_TARGET = 44


def assert_fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide"


def test_a_mentor_sets_up_an_authenticator_app_before_reviewing_then_signs_in_with_it(
    live_server, new_page, screenshot
):
    mentor = factories.MentorFactory(second_factor=False, name="Grace Mentor", why="To help others")
    page = new_page(color_scheme="dark")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", mentor.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    page.wait_for_load_state()

    page.goto(live_server.url + "/capstones/review/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    expect(page.get_by_text("Mentors and admins sign in with a second factor")).to_be_visible()
    assert_fits_the_phone(page)
    screenshot(page, "enrol-phone-dark")
    page.goto(live_server.url + "/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))

    page.get_by_role("link", name="Activate").first.click()
    if "/reauthenticate/" in page.url:  # allauth asks for the password again first
        page.fill("input[name=password]", PASSWORD)
        page.get_by_role("button", name=re.compile("Confirm", re.I)).click()
        page.wait_for_load_state()
    expect(page.locator("img[src^='data:image/svg+xml']")).to_be_visible()  # the QR code
    secret = page.locator("#authenticator_secret").input_value()
    assert_fits_the_phone(page)
    screenshot(page, "qr-code-phone-dark")
    page.fill("input[name=code]", current_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    screenshot(page, "recovery-codes-phone-dark")

    page.goto(live_server.url + "/capstones/review/")
    expect(page).to_have_url(re.compile(r"/capstones/review/$"))
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    if page.get_by_role("button", name=re.compile("Sign Out", re.I)).count():
        page.get_by_role("button", name=re.compile("Sign Out", re.I)).last.click()
        page.wait_for_load_state()

    page.goto(live_server.url + "/accounts/login/?next=/capstones/review/")
    page.fill("input[name=login]", mentor.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    screenshot(page, "code-phone-dark")
    give_authenticator_code(page, secret)
    expect(page).to_have_url(re.compile(r"/capstones/review/$"))


def test_a_stolen_session_is_ended_from_the_profile(live_server, new_page, screenshot, learner):
    mine, thief = new_page(), new_page(color_scheme="dark")
    sign_in(thief, live_server, learner)
    sign_in(mine, live_server, learner)
    mine.set_viewport_size(PHONE)
    mine.goto(live_server.url + "/me/profile/")
    sessions = mine.locator(".session-list li")
    expect(sessions).to_have_count(2)
    expect(sessions.first).to_contain_text("this device")
    assert_fits_the_phone(mine)
    button = sessions.nth(1).get_by_role("button", name="Sign out")
    assert button.bounding_box()["height"] >= MIN_TARGET
    mine.locator("#sessions-title").scroll_into_view_if_needed()
    screenshot(mine, "sessions-phone")
    button.click()
    expect(mine.get_by_text("That session is signed out.")).to_be_visible()
    expect(mine.locator(".session-list li")).to_have_count(1)

    thief.goto(live_server.url + "/me/")
    expect(thief).to_have_url(re.compile(r"/accounts/login/"))


def test_a_learner_signs_in_with_github_on_the_local_provider(live_server, new_page, screenshot, github, db):
    github.sign_in_as(uid=4242, login="ada-gh", name="Ada Lovelace", emails=[("ada@example.org", True)])
    page = new_page(color_scheme="dark")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/accounts/login/")
    button = page.get_by_role("button", name="Sign in with GitHub")
    assert button.bounding_box()["height"] >= MIN_TARGET
    screenshot(page, "sign-in-phone-dark")
    button.click()
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(live_server.url + "/me/profile/")
    expect(page.get_by_text("you can sign in with GitHub as")).to_be_visible()
    expect(page.get_by_text("ada-gh")).to_be_visible()
    assert_fits_the_phone(page)
    page.locator("#security-title").scroll_into_view_if_needed()
    screenshot(page, "profile-github-phone-dark")
    page.get_by_role("link", name="Manage or disconnect GitHub").click()
    page.get_by_role("button", name="Disconnect").click()
    # Made with GitHub, the account has no password yet: disconnecting would lock Ada out.
    expect(page.get_by_role("alert")).to_contain_text("no password")
    screenshot(page, "disconnect-refused-phone-dark")
