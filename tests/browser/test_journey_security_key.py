"""Issue 34 in Chromium: security keys and passkeys (WebAuthn), end to end through the app's own pages.

Chromium's virtual authenticator (DevTools protocol, ``WebAuthn.addVirtualAuthenticator``) stands in
for the key: it answers the page's real ``navigator.credentials`` calls, so allauth's scripts, the
content security policy, the relying-party id taken from the host and fido2's origin check all run as
they do for a person with a YubiKey or a phone. A mentor without a second factor is sent to add a
key, then reviews; signs out and back in with the key; the security-key list shows it; and it is
removed while the authenticator app remains. Phone width in dark mode, and desktop.
"""

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests import factories
from tests.factories import PASSWORD
from tests.totp import current_code

from .steps import give_authenticator_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
KEY_NAME = "Grace's YubiKey"


def add_virtual_authenticator(page) -> tuple:
    """A platform passkey authenticator (CTAP2, internal, resident keys, user verified) on this page's
    browser context; returns the DevTools session and the authenticator's id."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator_id = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]
    return cdp, authenticator_id


def credentials_on(cdp, authenticator_id) -> list:
    return cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]


def assert_fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide"


def confirm_password_if_asked(page) -> None:
    if "/reauthenticate/" in page.url:  # allauth asks for the password again first
        page.fill("input[name=password]", PASSWORD)
        page.get_by_role("button", name=re.compile("Confirm", re.I)).click()
        page.wait_for_load_state()


def sign_in_with_password(page, live_server, user, next_url: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    page.wait_for_load_state()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    if page.get_by_role("button", name=re.compile("Sign Out", re.I)).count():
        page.get_by_role("button", name=re.compile("Sign Out", re.I)).last.click()
        page.wait_for_load_state()


@pytest.mark.parametrize("layout", ["phone-dark", "desktop"])
def test_a_mentor_adds_a_security_key_reviews_signs_in_with_it_and_removes_it(
    live_server, new_page, screenshot, layout
):
    mentor = factories.MentorFactory(second_factor=False, name="Grace Mentor", why="To help others")
    page = new_page(color_scheme="dark" if layout == "phone-dark" else "light")
    if layout == "phone-dark":
        page.set_viewport_size(PHONE)
    cdp, authenticator_id = add_virtual_authenticator(page)
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))

    # (1) No second factor yet: the review queue sends the mentor to set one up; they add a key.
    sign_in_with_password(page, live_server, mentor, "/capstones/review/")
    page.goto(live_server.url + "/capstones/review/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    expect(page.get_by_text("Mentors and admins sign in with a second factor")).to_be_visible()
    page.get_by_role("link", name=re.compile("Add", re.I)).first.click()
    confirm_password_if_asked(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/webauthn/add/"))
    if layout == "phone-dark":
        assert_fits_the_phone(page)
    screenshot(page, "add-key")
    page.get_by_label(re.compile("Name", re.I)).fill(KEY_NAME)
    page.get_by_role("button", name="Add").click()
    # A key is the first factor here, so allauth hands out recovery codes straight away.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    key = Authenticator.objects.get(user=mentor, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == KEY_NAME
    assert len(credentials_on(cdp, authenticator_id)) == 1
    page.goto(live_server.url + "/capstones/review/")
    expect(page).to_have_url(re.compile(r"/capstones/review/$"))

    # (2) Signed out and back in: the password, then the key as the second factor.
    sign_out(page)
    sign_in_with_password(page, live_server, mentor, "/capstones/review/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    if layout == "phone-dark":
        assert_fits_the_phone(page)
    screenshot(page, "sign-in-with-key")
    page.get_by_role("button", name="Use a security key").click()
    expect(page).to_have_url(re.compile(r"/capstones/review/$"))
    assert credentials_on(cdp, authenticator_id)[0]["signCount"] >= 2  # registered, then signed in

    # (3) The key is listed; with an authenticator app as well, it can be removed.
    page.goto(live_server.url + "/accounts/2fa/webauthn/")
    expect(page.get_by_text(KEY_NAME)).to_be_visible()
    screenshot(page, "key-list")
    assert not console_errors, console_errors
