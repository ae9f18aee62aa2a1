"""A visitor becomes a learner, and an admin's edit reaches the stage page, in a real browser."""

import re

import pytest

from stages.models import Resource
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _verification_path(mailoutbox) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mailoutbox[-1].body)
    assert match, mailoutbox[-1].body
    return match.group(1)


def test_visitor_signs_up_verifies_by_email_and_browses_the_curriculum(
    live_server, new_page, screenshot, mailoutbox, javascript
):
    from django.core.management import call_command

    call_command("load_curriculum", verbosity=0)
    page = new_page(javascript=javascript)
    page.goto(live_server.url + "/")
    screenshot(page, "home")
    page.get_by_role("link", name="Sign up").first.click()
    page.fill("input[name=email]", "newcomer@example.com")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.get_by_role("button", name=re.compile("Sign Up", re.I)).click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    assert page.get_by_text(re.compile("verify your email", re.I)).first.is_visible()

    assert mailoutbox[-1].to == ["newcomer@example.com"]
    page.goto(live_server.url + _verification_path(mailoutbox))
    page.get_by_role("button", name=re.compile("Confirm", re.I)).click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Sign out").is_visible()

    page.goto(live_server.url + "/stages/")
    screenshot(page, "overview")
    page.get_by_role("link", name="Capstone Project I", exact=True).click()
    assert page.get_by_role("heading", name=re.compile("Supervised Deep Learning")).is_visible()
    screenshot(page, "capstone-1")


def test_admin_edits_a_resource_and_the_stage_page_shows_it(live_server, new_page, staff, screenshot):
    from django.core.management import call_command

    call_command("load_curriculum", verbosity=0)
    resource = Resource.objects.get(key="sutton-barto")
    page = new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", staff.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/admin/stages/resource/{resource.pk}/change/")
    page.fill("input[name=title]", "Sutton & Barto, 2nd edition")
    screenshot(page, "admin-edit")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/stages/resource/$"))

    page.goto(live_server.url + resource.stage.get_absolute_url())
    assert page.get_by_role("link", name="Sutton & Barto, 2nd edition").is_visible()
