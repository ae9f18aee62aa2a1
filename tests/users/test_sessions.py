"""Where a person is signed in (allauth.usersessions): the profile lists each session with its device,
times and address, and ends any or all others; a new password or a second factor ends every other
session; an ended session stays ended when Redis comes back with an old copy of it."""

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.factories import PASSWORD
from tests.totp import current_code, pass_second_factor

pytestmark = pytest.mark.django_db

LAPTOP = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


def signed_in_client(user, user_agent, address) -> Client:
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    pass_second_factor(client, response)
    assert signed_in(client)
    return client


def signed_in(client) -> bool:
    return client.get(reverse("dashboard")).status_code == 200


def other_session_pk(user, client) -> int:
    return UserSession.objects.exclude(session_key=client.session.session_key).get(user=user).pk


def test_the_profile_lists_each_session_with_device_address_and_times(learner):
    laptop = signed_in_client(learner, LAPTOP, "198.51.100.1")
    signed_in_client(learner, PHONE, "203.0.113.7")
    page = laptop.get(reverse("users:profile")).text
    assert "Firefox on Linux" in page
    assert "Safari on iPhone" in page
    assert "203.0.113.7" in page
    assert "this device" in page
    assert page.count("signed in 0\xa0minutes ago") == 2


def test_a_stolen_session_is_ended_from_the_profile(learner):
    mine = signed_in_client(learner, LAPTOP, "198.51.100.1")
    thief = signed_in_client(learner, PHONE, "203.0.113.66")
    response = mine.post(reverse("users:end_session", args=[other_session_pk(learner, mine)]))
    assert response.status_code == 302
    assert not signed_in(thief)
    assert signed_in(mine)
    assert "203.0.113.66" not in mine.get(reverse("users:profile")).text


def test_nobody_ends_another_persons_session(learner, other_learner):
    theirs = signed_in_client(other_learner, PHONE, "203.0.113.7")
    mine = signed_in_client(learner, LAPTOP, "198.51.100.1")
    their_session = UserSession.objects.get(user=other_learner)
    mine.post(reverse("users:end_session", args=[their_session.pk]))
    assert signed_in(theirs)
    mine.post(reverse("users:end_other_sessions"))
    assert signed_in(theirs)


def test_the_current_session_is_not_ended_by_its_own_id(learner):
    mine = signed_in_client(learner, LAPTOP, "198.51.100.1")
    current = UserSession.objects.get(user=learner)
    mine.post(reverse("users:end_session", args=[current.pk]))
    assert signed_in(mine)


def test_ending_all_other_sessions_keeps_this_one(learner):
    mine = signed_in_client(learner, LAPTOP, "198.51.100.1")
    others = [signed_in_client(learner, PHONE, f"203.0.113.{n}") for n in range(3)]
    response = mine.post(reverse("users:end_other_sessions"), follow=True)
    assert "Signed out everywhere else (3 sessions)." in response.text
    assert [signed_in(c) for c in others] == [False] * 3
    assert signed_in(mine)


def test_ending_sessions_needs_the_csrf_token(learner):
    mine = signed_in_client(learner, LAPTOP, "198.51.100.1")
    thief = signed_in_client(learner, PHONE, "203.0.113.66")
    strict = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=LAPTOP)
    strict.cookies = mine.cookies
    assert strict.post(reverse("users:end_other_sessions")).status_code == 403
    assert signed_in(thief)


def test_changing_the_password_ends_every_other_session(learner):
    mine = signed_in_client(learner, LAPTOP, "198.51.100.1")
    other = signed_in_client(learner, PHONE, "203.0.113.7")
    response = mine.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "a new long passphrase 42", "password2": "a new long passphrase 42"},
    )
    assert response.status_code == 302
    assert signed_in(mine)
    assert not signed_in(other)
    assert UserSession.objects.filter(user=learner).count() == 1
    assert Session.objects.count() == 1


def test_turning_on_two_factor_ends_every_other_session(learner, django_capture_on_commit_callbacks):
    mine = signed_in_client(learner, LAPTOP, "198.51.100.1")
    other = signed_in_client(learner, PHONE, "203.0.113.7")
    mine.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    secret = mine.get(reverse("mfa_activate_totp")).context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals it once the factor is saved
        mine.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert signed_in(mine)
    assert not signed_in(other)


def test_the_listed_address_is_the_one_the_trusted_proxy_gives(learner, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client = Client(HTTP_USER_AGENT=LAPTOP, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.23")
    client.post(reverse("account_login"), {"login": learner.email, "password": PASSWORD})
    assert UserSession.objects.get(user=learner).ip == "198.51.100.23"
    assert "198.51.100.23" in client.get(reverse("users:profile")).text


def test_an_ended_session_stays_ended_when_the_cache_comes_back_with_its_old_copy(learner):
    """Redis unreachable while a session is ended: the database row decides (users.backends)."""
    mine = signed_in_client(learner, LAPTOP, "198.51.100.1")
    thief = signed_in_client(learner, PHONE, "203.0.113.66")
    assert signed_in(thief)
    stolen = SessionStore(thief.session.session_key)
    cached_copy = caches["sessions"].get(stolen.cache_key)
    assert cached_copy  # the thief's session is read from the cache
    mine.post(reverse("users:end_session", args=[other_session_pk(learner, mine)]))
    caches["sessions"].set(stolen.cache_key, cached_copy)  # the cache "comes back" holding the old copy
    assert not signed_in(thief)
    assert "203.0.113.66" not in mine.get(reverse("users:profile")).text


def test_a_mentors_sessions_show_after_the_second_factor(db):
    mentor = factories.MentorFactory()
    client = signed_in_client(mentor, LAPTOP, "198.51.100.1")
    assert "Firefox on Linux" in client.get(reverse("users:profile")).text


def _profile_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("users:profile")).status_code == 200
    return len(queries)


def test_the_profile_takes_as_many_queries_with_many_sessions_as_with_one(learner):
    mine = signed_in_client(learner, LAPTOP, "198.51.100.1")
    mine.get(reverse("users:profile"))  # warm-up: the session is now in the cache
    one = _profile_queries(mine)
    for n in range(5):
        signed_in_client(learner, PHONE, f"203.0.113.{n}")
    assert _profile_queries(mine) == one
