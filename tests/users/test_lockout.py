"""Issue #35, finding 6: wrong passwords for an address pause its password sign-in (anyone can cause
that), but never lock its owner out: a one-time code by e-mail always signs them in; and repeated
failures on a staff account are e-mailed to staff, once per burst."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD, AdminFactory
from tests.totp import pass_second_factor

ADDRESS = "203.0.113.9"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def sign_in(client, email, password, *, peer=ADDRESS):
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=peer)


def lock_out(client, email):
    # Five wrong passwords from five addresses: the per-address ("key") limit, not the per-client one.
    for n in range(5):
        sign_in(client, email, "wrong", peer=f"198.51.100.{n + 1}")


def signed_in_as(client, user) -> bool:
    return client.get(reverse("dashboard")).context["user"].pk == user.pk


def test_the_right_password_is_paused_and_the_page_shows_the_way_in(client, staff):
    lock_out(client, staff.email)
    response = sign_in(client, staff.email, PASSWORD)
    assert response.status_code == 200
    assert "password sign-in for it is paused" in response.text
    assert reverse("account_request_login_code") in response.text
    # The admin has no sign-in form of its own: it sends people to this one.
    assert client.get(reverse("admin:login")).url.startswith(reverse("account_login"))


def login_code(mailoutbox, email) -> str:
    (message,) = [m for m in mailoutbox if m.to == [email] and "code" in m.subject.lower()]
    return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.M).group(1)


def test_a_locked_out_owner_signs_in_with_a_code_by_email(client, staff, mailoutbox):
    lock_out(client, staff.email)
    response = client.post(reverse("account_request_login_code"), {"email": staff.email}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302
    code = login_code(mailoutbox, staff.email)
    response = client.post(reverse("account_confirm_login_code"), {"code": code}, REMOTE_ADDR=ADDRESS)
    # A code by e-mail replaces the password, not the second factor.
    assert response.url.startswith(reverse("mfa_authenticate"))
    assert client.get(reverse("dashboard")).status_code == 302
    response = pass_second_factor(client, response, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302
    assert signed_in_as(client, staff)
    assert client.get(reverse("admin:index")).status_code == 200  # and the admin, in the same session


def test_a_wrong_code_does_not_sign_in(client, staff, mailoutbox):
    lock_out(client, staff.email)
    client.post(reverse("account_request_login_code"), {"email": staff.email}, REMOTE_ADDR=ADDRESS)
    client.post(reverse("account_confirm_login_code"), {"code": "AAAAAA"}, REMOTE_ADDR=ADDRESS)
    assert client.get(reverse("dashboard")).status_code == 302


def alerts(mailoutbox):
    return [m for m in mailoutbox if "Repeated failed sign-ins" in m.subject]


def test_repeated_failures_on_a_staff_account_alert_staff_once_per_burst(client, staff, mailoutbox):
    other_admin = AdminFactory()
    for n in range(4):
        sign_in(client, staff.email, "wrong", peer=f"198.51.100.{n + 1}")
    assert alerts(mailoutbox) == []
    sign_in(client, staff.email, "wrong", peer="198.51.100.77")
    (alert,) = alerts(mailoutbox)
    assert set(alert.to) == {staff.email, other_admin.email}
    assert f"5 sign-ins with a wrong password were tried on the staff account {staff.email}" in alert.body
    assert "198.51.100.77" in alert.body
    assert "wrong" not in alert.body.replace("wrong password", "")  # never the password tried
    for n in range(20):  # the burst goes on, refused by the pause: still one e-mail
        sign_in(client, staff.email, "wrong", peer=f"198.51.100.{n + 100}")
    assert len(alerts(mailoutbox)) == 1


def test_failures_on_a_learner_account_alert_nobody(client, learner, mailoutbox):
    AdminFactory()
    lock_out(client, learner.email)
    sign_in(client, learner.email, "wrong")
    assert alerts(mailoutbox) == []


def test_after_the_quiet_period_a_new_burst_alerts_again(client, staff, mailoutbox, settings):
    lock_out(client, staff.email)
    assert len(alerts(mailoutbox)) == 1
    cache.delete(f"signin-alert:{staff.pk}")  # the quiet period is over
    cache.delete(f"signin-failures:{staff.pk}")
    settings.SIGNIN_ALERT_QUIET_SECONDS = 7  # a new outbox period as well
    lock_out(client, staff.email)
    assert len(alerts(mailoutbox)) == 2
