"""/admin/login/ is the site's sign-in (allauth): its rate limits, its code by e-mail, and the second
factor admins must have. The admin's own password form, which would skip the second factor, is gone."""

from urllib.parse import urlencode

from django.urls import reverse

from tests.factories import PASSWORD
from tests.totp import current_code

ADDRESS = "203.0.113.5"


def signed_in_to_admin(client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


def test_the_admin_sign_in_sends_people_to_the_site_sign_in(client, db):
    response = client.get(reverse("admin:login"), {"next": "/admin/stages/stage/"})
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?{urlencode({'next': '/admin/stages/stage/'})}"


def test_a_post_to_the_admin_sign_in_signs_nobody_in(client, staff):
    response = client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not signed_in_to_admin(client)


def test_an_outside_next_is_not_followed(client, db):
    response = client.get(reverse("admin:login"), {"next": "https://evil.example/"})
    assert response.url == f"{reverse('account_login')}?{urlencode({'next': reverse('admin:index')})}"


def test_an_admin_signs_in_with_password_then_the_authenticator_code(client, staff):
    response = client.post(
        reverse("account_login"), {"login": staff.email, "password": PASSWORD, "next": "/admin/"}, REMOTE_ADDR=ADDRESS
    )
    assert response.url == reverse("mfa_authenticate")
    assert not signed_in_to_admin(client)  # the password alone opens nothing
    response = client.post(reverse("mfa_authenticate"), {"code": current_code()}, REMOTE_ADDR=ADDRESS)
    assert response.url == "/admin/"
    assert signed_in_to_admin(client)


def test_a_wrong_code_does_not_open_the_admin(client, staff):
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD}, REMOTE_ADDR=ADDRESS)
    wrong = "000000" if current_code() != "000000" else "111111"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    assert "Incorrect code" in response.text
    assert not signed_in_to_admin(client)


def test_wrong_codes_are_limited_like_wrong_passwords(client, staff):
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD}, REMOTE_ADDR=ADDRESS)
    wrong = "000000" if current_code() != "000000" else "111111"
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": wrong}, REMOTE_ADDR=ADDRESS)
    response = client.post(reverse("mfa_authenticate"), {"code": current_code()}, REMOTE_ADDR=ADDRESS)
    assert "Too many failed login attempts" in response.text
    assert not signed_in_to_admin(client)


def test_a_signed_in_learner_is_refused_the_admin(client, learner):
    client.force_login(learner)
    assert client.get(reverse("admin:login")).status_code == 403
    assert not signed_in_to_admin(client)


def test_the_admin_sign_in_posts_are_limited_per_address_like_the_site_sign_in(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    statuses = [
        client.post(
            reverse("account_login"), {"login": f"x{i}@example.com", "password": "wrong"}, REMOTE_ADDR=ADDRESS
        ).status_code
        for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
