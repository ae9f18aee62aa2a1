import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

User = get_user_model()


def _link_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_signup_sends_a_verification_email_whose_link_verifies_and_logs_in(client, db, mailoutbox):
    response = client.post(
        reverse("account_signup"),
        {"email": "ada@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ada@example.com"]
    confirm_path = _link_in(mailoutbox[0])

    assert client.get(confirm_path).status_code == 200
    response = client.post(confirm_path)
    assert response.status_code == 302

    client.logout()
    response = client.post(reverse("account_login"), {"login": "ada@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home") or response.url.startswith("/")
    assert client.get(reverse("home")).wsgi_request.user.email == "ada@example.com"


def test_an_unverified_user_cannot_log_in(client, db, mailoutbox):
    UserFactory(email="unverified@example.com", verified=False)
    response = client.post(reverse("account_login"), {"login": "unverified@example.com", "password": PASSWORD})
    # allauth sends the visitor to "verify your e-mail" instead of logging in.
    assert response.status_code == 302
    assert "confirm-email" in response.url
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_a_verified_user_logs_in_with_email_and_out_again(client, learner):
    response = client.post(reverse("account_login"), {"login": learner.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).wsgi_request.user == learner
    client.post(reverse("account_logout"))
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_a_wrong_password_is_refused_with_a_message(client, learner):
    response = client.post(reverse("account_login"), {"login": learner.email, "password": "wrong"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_password_reset_email_link_sets_a_new_password(client, learner, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": learner.email})
    assert len(mailoutbox) == 1
    reset_path = _link_in(mailoutbox[0])
    response = client.get(reset_path, follow=True)
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else reset_path
    response = client.post(
        form_path, {"password1": "a brand new passphrase 42", "password2": "a brand new passphrase 42"}
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("a brand new passphrase 42")


def test_failed_logins_are_rate_limited_even_for_the_right_password(client, learner):
    from django.core.cache import cache

    cache.clear()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": learner.email, "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": learner.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated
    cache.clear()


def test_signup_is_rate_limited(client, db, settings):
    from django.core.cache import cache

    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "3/m/ip"}
    statuses = [
        client.post(
            reverse("account_signup"), {"email": f"s{i}@example.com", "password1": PASSWORD, "password2": PASSWORD}
        ).status_code
        for i in range(5)
    ]
    assert 429 in statuses
    cache.clear()


@pytest.mark.real_password_hashing
def test_passwords_are_hashed_with_argon2(learner):
    assert learner.password.startswith("argon2")


def test_email_is_unique_regardless_of_case(db):
    from django.db import IntegrityError, transaction

    UserFactory(email="Case@Example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="case@example.com", password=PASSWORD)


def test_demo_accounts_are_created_verified_with_printed_passwords(db, capsys):
    call_command("create_demo_accounts")
    out = capsys.readouterr().out
    for email in ("learner@example.com", "mentor@example.com", "admin@example.com"):
        password = re.search(rf"{re.escape(email)}\s+password: (\S+)", out).group(1)
        assert User.objects.get(email=email).check_password(password)
    assert User.objects.get(email="mentor@example.com").is_mentor
    assert User.objects.get(email="admin@example.com").is_staff
    assert not User.objects.get(email="learner@example.com").is_staff


def test_demo_accounts_are_refused_outside_local_mode(db, settings):
    settings.DEMO_ACCOUNTS_ALLOWED = False
    with pytest.raises(CommandError, match="local mode"):
        call_command("create_demo_accounts")
    assert not User.objects.exists()
