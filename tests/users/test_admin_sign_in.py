"""/admin/login/ goes through the same rate limits as the site's sign-in."""

from django.urls import reverse

from tests.factories import PASSWORD

ADDRESS = "203.0.113.5"


def admin_sign_in(client, email, password, *, peer=ADDRESS):
    return client.post(
        reverse("admin:login"), {"username": email, "password": password, "next": "/admin/"}, REMOTE_ADDR=peer
    )


def signed_in(client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


def test_admin_sign_in_page_shows_its_form(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert 'name="username"' in response.text


def test_admin_sign_in_still_works(client, staff):
    response = admin_sign_in(client, staff.email, PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_admin_sign_in_refuses_learners(client, learner):
    response = admin_sign_in(client, learner.email, PASSWORD)
    assert response.status_code == 200
    assert not signed_in(client)


def test_admin_refuses_the_right_password_after_25_wrong_ones(client, staff):
    for _ in range(25):
        admin_sign_in(client, staff.email, "wrong")
    response = admin_sign_in(client, staff.email, PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()
    assert not signed_in(client)


def test_admin_failures_from_one_address_lock_it_out_for_every_account(client, staff):
    for i in range(10):
        admin_sign_in(client, f"nobody{i}@example.com", "wrong")
    admin_sign_in(client, staff.email, PASSWORD)
    assert not signed_in(client)


def test_admin_failures_from_one_address_do_not_lock_out_another(client, staff):
    for i in range(10):
        admin_sign_in(client, f"nobody{i}@example.com", "wrong")
    admin_sign_in(client, staff.email, PASSWORD, peer="198.51.100.7")
    assert signed_in(client)


def test_failures_at_the_site_sign_in_count_at_the_admin_sign_in(client, staff):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": staff.email, "password": "wrong"}, REMOTE_ADDR=ADDRESS)
    admin_sign_in(client, staff.email, PASSWORD, peer="198.51.100.7")
    assert not signed_in(client)


def test_admin_sign_in_posts_are_limited_per_address_like_the_site_sign_in(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    statuses = [admin_sign_in(client, f"x{i}@example.com", "wrong").status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]
