"""The name a person is shown by (issue 28): asked at sign-up with a default not taken from the
e-mail address, one rule (users.names) for everyone who shows it, and the "why" prompt only for
learners."""

import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from dlcurriculum.users import names
from tests import factories
from tests.factories import PASSWORD
from tests.totp import pass_second_factor

User = get_user_model()

SUGGESTION = re.compile(r"^Learner \d{4}$")


def _sign_up(client, **extra):
    data = {"email": "ana.learner@example.com", "password1": PASSWORD, "password2": PASSWORD, "timezone": "UTC"}
    return client.post(reverse("account_signup"), {**data, **extra})


def _name_input(html: str) -> str:
    match = re.search(r'<input type="text" name="name"[^>]*>', html)
    assert match, "the sign-up form has no display name field"
    return match.group(0)


def test_sign_up_asks_for_a_display_name_right_after_the_address_with_a_default(client, db):
    html = client.get(reverse("account_signup")).text
    field = _name_input(html)
    value = re.search(r'value="([^"]*)"', field).group(1)
    assert SUGGESTION.match(value)
    assert html.index('name="email"') < html.index('name="name"') < html.index('name="password1"')
    assert '<label for="id_name">Display name:</label>' in html
    assert "your e-mail address is never shown" in html


def test_the_suggested_name_is_never_taken_from_the_address(client, db):
    # The suggestion is made before the address is typed; posted with it, the account keeps it.
    suggestion = re.search(r'value="([^"]*)"', _name_input(client.get(reverse("account_signup")).text)).group(1)
    _sign_up(client, name=suggestion)
    user = User.objects.get(email="ana.learner@example.com")
    assert user.name == suggestion
    assert "ana" not in user.display_name.lower()


def test_sign_up_keeps_the_name_typed(client, db, mailoutbox):
    _sign_up(client, name="  Ana   Lima ")
    assert User.objects.get(email="ana.learner@example.com").name == "Ana Lima"


@pytest.mark.parametrize("sent", [{}, {"name": ""}, {"name": "   "}])
def test_sign_up_without_a_name_gets_a_suggested_one_not_the_address(client, db, mailoutbox, sent):
    _sign_up(client, **sent)
    user = User.objects.get(email="ana.learner@example.com")
    assert SUGGESTION.match(user.name)


def test_an_account_without_a_name_is_shown_by_its_number_never_its_address(db):
    user = factories.UserFactory(email="ana.learner@example.com", name="")
    assert user.display_name == f"Learner {user.pk}"
    assert names.display_name("  Ana ", 3) == "Ana"
    assert names.display_name("", None) == "Learner"


def test_the_profile_says_who_sees_the_name_and_what_shows_without_one(client, db):
    user = factories.UserFactory(name="")
    client.force_login(user)
    html = client.get(reverse("users:profile")).text
    assert "How mentors, e-mails and your public portfolio name you" in html
    assert f"“Learner {user.pk}”" in html


# --- The "why" prompt is a learner's -------------------------------------------------------


def _sign_in(client, user):
    # Mentors and admins then give their authenticator app's code.
    return pass_second_factor(
        client, client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    )


@pytest.mark.parametrize("make", [factories.MentorFactory, factories.AdminFactory])
def test_mentors_and_admins_are_not_asked_why_on_first_sign_in(client, db, make):
    response = _sign_in(client, make())
    assert response.status_code == 302
    assert not response.url.startswith(reverse("users:why"))


def test_a_learner_is_still_asked_why_on_first_sign_in(client, db):
    response = _sign_in(client, factories.UserFactory())
    assert response.url.startswith(reverse("users:why"))


# --- An account sign-up did not ask: its first visit asks -----------------------------------


def test_an_account_without_a_name_is_asked_for_one_first_then_for_its_why(client, db):
    user = factories.UserFactory(email="made.by.admin@example.com", name="")
    response = _sign_in(client, user)
    assert response.url.startswith(reverse("users:name") + "?next=")
    page = client.get(response.url).text
    assert SUGGESTION.match(re.search(r'<input type="text" name="name" value="([^"]*)"', page).group(1))
    next_url = re.search(r'<input type="hidden" name="next" value="([^"]*)"', page).group(1)
    response = client.post(reverse("users:name"), {"name": " Grace  Hopper ", "next": next_url.replace("&amp;", "&")})
    user.refresh_from_db()
    assert user.name == "Grace Hopper"
    assert response.url.startswith(reverse("users:why"))  # a learner: on to the "why" prompt


def test_a_mentor_without_a_name_is_asked_for_the_name_but_not_the_why(client, db):
    mentor = factories.MentorFactory(name="")
    response = _sign_in(client, mentor)
    assert response.url == f"{reverse('users:name')}?{urlencode({'next': reverse('dashboard')})}"
    response = client.post(reverse("users:name"), {"name": "", "next": reverse("dashboard")})
    mentor.refresh_from_db()
    assert SUGGESTION.match(mentor.name)
    assert response.url == reverse("dashboard")


def test_an_account_with_a_name_is_not_asked_again(client, db):
    user = factories.UserFactory(why="To build things.")
    assert _sign_in(client, user).url == reverse("dashboard")


def test_allauth_says_the_display_name_too(client, db, mailoutbox):
    user = factories.UserFactory(email="ana.learner@example.com", name="Ana Lima", why="To build.")
    response = _sign_in(client, user)
    page = client.get(response.url).text
    assert "Successfully signed in as Ana Lima." in page
    client.logout()
    _sign_up(client, email="grace.h@example.com", name="Grace Hopper")
    assert "because user Grace Hopper has given your email address" in mailoutbox[-1].body
