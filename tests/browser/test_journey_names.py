"""Issue 28 in a real browser: sign-up asks for the name others see (a default not taken from the
address), checkboxes sit beside their labels, and on a 390 px phone every navigation target is at least
44 px; desktop, phone and dark mode are photographed."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.factories import PASSWORD

from .test_journey_accounts import _verification_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
MIN_TARGET = 44


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not laid out"
    return box


def assert_beside_its_label(page, checkbox_id: str) -> None:
    """The checkbox is on its label's line, left of it; not centred under it."""
    checkbox = _box(page.locator(f"#{checkbox_id}"))
    label = _box(page.locator(f"label[for={checkbox_id}]"))
    assert checkbox["x"] + checkbox["width"] <= label["x"], (checkbox, label)
    middle = checkbox["y"] + checkbox["height"] / 2
    assert label["y"] <= middle <= label["y"] + label["height"], (checkbox, label)
    assert label["x"] - (checkbox["x"] + checkbox["width"]) < 20, "the label is far from its checkbox"


def assert_nav_targets_are_large_enough(page) -> list[str]:
    targets = page.locator("nav.nav a:visible, nav.nav button:visible")
    checked = []
    for i in range(targets.count()):
        target = targets.nth(i)
        box = _box(target)
        name = target.inner_text().strip()
        assert box["height"] >= MIN_TARGET, f"{name!r} is {box['height']:.0f} px tall"
        assert box["width"] >= MIN_TARGET, f"{name!r} is {box['width']:.0f} px wide"
        checked.append(name)
    return checked


def test_sign_up_asks_for_the_name_with_a_default_and_the_checkbox_sits_beside_its_label(
    live_server, new_page, screenshot, mailoutbox
):
    page = new_page()
    page.goto(live_server.url + "/accounts/signup/")
    name = page.get_by_label("Display name")
    expect(name).to_have_value(re.compile(r"^Learner \d{4}$"))
    assert _box(page.locator("#id_email"))["y"] < _box(name)["y"] < _box(page.locator("#id_password1"))["y"]
    assert_beside_its_label(page, "id_reminders")
    screenshot(page, "signup-desktop")

    page.set_viewport_size(PHONE)
    assert_beside_its_label(page, "id_reminders")
    assert _box(page.locator("label[for=id_reminders]"))["height"] >= MIN_TARGET
    screenshot(page, "signup-phone")

    page.fill("input[name=email]", "ana.learner@example.com")
    name.fill("Ana Lima")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.get_by_role("button", name=re.compile("Sign up", re.I)).click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    assert get_user_model().objects.get(email="ana.learner@example.com").name == "Ana Lima"

    page.goto(live_server.url + _verification_path(mailoutbox))
    page.get_by_role("button", name=re.compile("Confirm", re.I)).click()
    page.wait_for_load_state()
    # A learner: the "why" prompt, then on.
    expect(page.get_by_label("Why are you learning deep learning?")).to_be_visible()

    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(live_server.url + "/capstones/portfolio/")
    expect(page.get_by_text("It is titled “Ana Lima's deep learning portfolio”")).to_be_visible()
    expect(page.get_by_text(re.compile(r"address will be http://[^ ]+/u/your-handle/"))).to_be_visible()
    for checkbox in ("id_is_public", "id_allow_download"):
        assert_beside_its_label(page, checkbox)
    screenshot(page, "portfolio-settings-desktop")
    page.set_viewport_size(PHONE)
    for checkbox in ("id_is_public", "id_allow_download"):
        assert_beside_its_label(page, checkbox)
    screenshot(page, "portfolio-settings-phone")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_phone_navigation_targets_are_at_least_44_px(live_server, new_page, screenshot, learner, color_scheme):
    page = new_page(color_scheme=color_scheme)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    assert assert_nav_targets_are_large_enough(page) == ["dlcurriculum", "Curriculum", "Sign in", "Sign up"]
    screenshot(page, "home-phone")

    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", learner.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/me/profile/")
    checked = assert_nav_targets_are_large_enough(page)
    assert {"Curriculum", "Dashboard", "Capstones", "Profile", "Sign out"} <= set(checked)
    screenshot(page, "profile-phone")


def test_an_approved_capstones_stage_page_offers_the_portfolio(live_server, new_page, screenshot, learner):
    from django.core.management import call_command

    from stages.models import CapstoneBrief
    from tests.pages.test_finishing import approve

    call_command("load_curriculum", verbosity=0)
    approve(learner, CapstoneBrief.objects.get(key="capstone-1"))
    page = new_page(color_scheme="dark")
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", learner.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    page.wait_for_load_state()
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/stages/capstone-1/")
    actions = page.locator(".capstone-actions")
    expect(actions.get_by_role("link", name="Your portfolio")).to_be_visible()
    expect(actions.get_by_text("Submit your notebook")).to_have_count(0)
    for link in ("Your portfolio", "Your approved submission"):
        assert _box(actions.get_by_role("link", name=link))["height"] >= MIN_TARGET
    screenshot(page, "stage-approved-phone-dark")
    actions.get_by_role("link", name="Your portfolio").click()
    expect(page.get_by_role("heading", name="Your portfolio")).to_be_visible()
