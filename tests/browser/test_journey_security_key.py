"""Issue 34 in Chromium: security keys and passkeys (WebAuthn), end to end through the app's own pages.

Chromium's virtual authenticator (DevTools protocol, ``WebAuthn.addVirtualAuthenticator``) stands in
for the key: it answers the page's real ``navigator.credentials`` calls, so allauth's scripts, the
content security policy, the relying-party id taken from the host and fido2's origin check all run as
they do for a person with a YubiKey or a phone. A mentor without a second factor is sent to add a
key, then reviews; signs out and back in with the key; the security-key list shows it; and it is
removed while the authenticator app remains. Phone width in dark mode, and desktop.

The rule for removing a key is allauth's: anyone may remove a key after confirming who they are,
also their last factor (allauth's removal does not ask ``can_delete_authenticator``); the app's
rule then still holds for a mentor, who is sent to set a factor up again before anything else opens.
Passwordless passkey sign-in is off (``MFA_PASSKEY_LOGIN_ENABLED = False``): a key is a second factor.
Browsers refuse WebAuthn on an IP address, so the journeys use ``localhost`` (the live server's name),
and one proves that on ``127.0.0.1`` the page says why instead of doing nothing.
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
    # Passwordless passkey sign-in is off (MFA_PASSKEY_LOGIN_ENABLED = False): a key is a second factor.
    expect(page.get_by_role("button", name=re.compile("passkey", re.I))).to_have_count(0)
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


def register_key(page, live_server, mentor, *, screenshot=None) -> None:
    """Signed in with the password only: the review queue sends the mentor to two-factor setup, where
    they add a security key (the virtual authenticator answers) and get recovery codes."""
    page.goto(live_server.url + "/capstones/review/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    expect(page.get_by_text("Mentors and admins sign in with a second factor")).to_be_visible()
    page.get_by_role("link", name="Add").click()
    confirm_password_if_asked(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/webauthn/add/$"))
    if screenshot:
        screenshot(page)
    page.get_by_label(re.compile("Name", re.I)).fill(KEY_NAME)
    page.get_by_role("button", name="Add").click()
    # The key is the first factor, so allauth hands out recovery codes straight away.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    assert Authenticator.objects.get(user=mentor, type=Authenticator.Type.WEBAUTHN).wrap().name == KEY_NAME


def remove_key(page, live_server) -> None:
    page.goto(live_server.url + "/accounts/2fa/webauthn/")
    page.get_by_role("link", name="Remove").click()
    confirm_password_if_asked(page)
    expect(page.get_by_role("heading", name="Remove Security Key")).to_be_visible()
    page.get_by_role("button", name="Remove").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/webauthn/$"))
    expect(page.get_by_text("No security keys have been added.")).to_be_visible()


@pytest.mark.parametrize("layout", ["phone-dark", "desktop"])
def test_a_mentor_adds_a_security_key_reviews_signs_in_with_it_and_removes_it(
    live_server, new_page, screenshot, layout, settings
):
    # allauth reads this per request; the test runs with the origin check on, as production does.
    assert settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN is False
    mentor = factories.MentorFactory(second_factor=False, name="Grace Mentor", why="To help others")
    phone = layout == "phone-dark"
    page = new_page(color_scheme="dark" if phone else "light")
    if phone:
        page.set_viewport_size(PHONE)
    cdp, authenticator_id = add_virtual_authenticator(page)
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))

    def look(name):
        if phone:
            assert_fits_the_phone(page)
        screenshot(page, name)

    # (1) No second factor yet: sent to set one up; a security key added; the review queue opens.
    sign_in_with_password(page, live_server, mentor, "/capstones/review/")
    register_key(page, live_server, mentor, screenshot=lambda page: look("add-key"))
    assert len(credentials_on(cdp, authenticator_id)) == 1
    page.goto(live_server.url + "/capstones/review/")
    expect(page).to_have_url(re.compile(r"/capstones/review/$"))

    # (2) Signed out and back in: the password, then the key as the second factor. Passwordless
    # passkey sign-in is off (MFA_PASSKEY_LOGIN_ENABLED = False): the sign-in page offers none.
    sign_out(page)
    sign_in_with_password(page, live_server, mentor, "/capstones/review/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    assert "passkey_login" not in page.content()
    expect(page.get_by_text("Use your security key or passkey")).to_be_visible()
    look("sign-in-with-key")
    page.get_by_role("button", name="Use a security key").click()
    expect(page).to_have_url(re.compile(r"/capstones/review/$"))
    assert credentials_on(cdp, authenticator_id)[0]["signCount"] >= 2  # registered, then signed in

    # (3) The security-key list shows it; with an authenticator app set up as well, it is removed
    # and the app remains the second factor: the review queue still opens.
    page.goto(live_server.url + "/me/profile/")
    expect(page.get_by_text("your security key after your password")).to_be_visible()
    page.goto(live_server.url + "/accounts/2fa/webauthn/")
    expect(page.get_by_role("cell", name=re.compile(KEY_NAME))).to_be_visible()
    look("key-list")
    page.goto(live_server.url + "/accounts/2fa/totp/activate/")
    confirm_password_if_asked(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.fill("input[name=code]", current_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/"))
    remove_key(page, live_server)
    assert list(Authenticator.objects.filter(user=mentor).values_list("type", flat=True).order_by("type")) == [
        Authenticator.Type.RECOVERY_CODES,
        Authenticator.Type.TOTP,
    ]
    page.goto(live_server.url + "/capstones/review/")
    expect(page).to_have_url(re.compile(r"/capstones/review/$"))
    sign_out(page)
    sign_in_with_password(page, live_server, mentor, "/capstones/review/")
    # No key any more: the page asks for the app's code and offers no key.
    expect(page.get_by_role("button", name="Use a security key")).to_have_count(0)
    look("sign-in-with-app")
    give_authenticator_code(page, secret)
    expect(page).to_have_url(re.compile(r"/capstones/review/$"))
    assert not console_errors, console_errors


def test_removing_the_only_key_is_allowed_and_the_mentor_must_set_up_a_factor_again(live_server, new_page):
    """allauth lets anyone remove a security key (after confirming the password or key again), also
    the last factor; for a mentor the rule still holds: nothing else opens until they add another."""
    mentor = factories.MentorFactory(second_factor=False, name="Grace Mentor", why="To help others")
    page = new_page()
    add_virtual_authenticator(page)
    sign_in_with_password(page, live_server, mentor, "/capstones/review/")
    register_key(page, live_server, mentor)
    remove_key(page, live_server)
    assert not Authenticator.objects.filter(user=mentor).exists()  # the recovery codes went with it
    page.goto(live_server.url + "/capstones/review/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    expect(page.get_by_text("Mentors and admins sign in with a second factor")).to_be_visible()


def test_a_site_opened_by_ip_address_says_why_the_key_does_not_work(live_server, new_page, screenshot):
    """Browsers refuse WebAuthn on an IP address (127.0.0.1); the page says so instead of a button
    that does nothing (allauth only logs the error)."""
    mentor = factories.MentorFactory(second_factor=False, name="Grace Mentor", why="To help others")
    page = new_page(color_scheme="dark")
    page.set_viewport_size(PHONE)
    add_virtual_authenticator(page)
    by_address = live_server.url.replace("localhost", "127.0.0.1")
    assert by_address != live_server.url
    page.goto(f"{by_address}/accounts/login/")
    page.fill("input[name=login]", mentor.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    page.goto(f"{by_address}/accounts/2fa/webauthn/add/")
    confirm_password_if_asked(page)
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("alert")).to_contain_text("never on an IP address such as 127.0.0.1")
    assert_fits_the_phone(page)
    screenshot(page, "ip-address-refused")
    assert not Authenticator.objects.filter(user=mentor).exists()
