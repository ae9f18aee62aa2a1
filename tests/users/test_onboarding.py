"""Sign-up and sign-in in the app's own words: the browser's time zone, reminder defaults, the site's name."""

from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import PASSWORD

User = get_user_model()


def _sign_up(client, **extra):
    data = {"email": "grace@example.com", "password1": PASSWORD, "password2": PASSWORD, "reminders": "on"}
    data.update(extra)
    return client.post(reverse("account_signup"), data)


def test_sign_up_keeps_the_time_zone_the_browser_sent(client, db, mailoutbox):
    _sign_up(client, timezone="Asia/Tokyo")
    assert User.objects.get(email="grace@example.com").timezone == "Asia/Tokyo"


@pytest.mark.parametrize("sent", ["", "Mars/Olympus_Mons", "<script>"])
def test_sign_up_falls_back_to_utc_for_a_missing_or_unknown_time_zone(client, db, mailoutbox, sent):
    response = _sign_up(client, timezone=sent)
    assert response.status_code == 302
    assert User.objects.get(email="grace@example.com").timezone == "UTC"


def test_sign_up_states_the_reminder_default_and_keeps_it_when_ticked(client, db, mailoutbox):
    page = client.get(reverse("account_signup")).content.decode()
    assert "E-mail me a reminder after 7 days without activity" in page
    _sign_up(client)
    assert User.objects.get(email="grace@example.com").reminder_frequency == User.ReminderFrequency.INACTIVITY


def test_sign_up_with_reminders_unticked_turns_them_off(client, db, mailoutbox):
    data = {"email": "grace@example.com", "password1": PASSWORD, "password2": PASSWORD, "timezone": "UTC"}
    client.post(reverse("account_signup"), data)
    assert User.objects.get(email="grace@example.com").reminder_frequency == User.ReminderFrequency.OFF


def test_verification_email_greets_with_the_site_name_not_the_host(client, db, mailoutbox, settings):
    settings.SITE_NAME = "dlcurriculum"
    _sign_up(client, timezone="UTC")
    body = mailoutbox[0].body
    assert body.startswith("Hello from dlcurriculum!")
    assert "testserver" not in body.split("\n", 1)[0]


def test_signing_in_lands_on_the_dashboard(client, learner):
    learner.why = "To build things."
    learner.save(update_fields=["why"])
    response = client.post(reverse("account_login"), {"login": learner.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def test_the_why_prompt_after_the_first_sign_in_leads_on_to_the_dashboard(client, learner):
    response = client.post(reverse("account_login"), {"login": learner.email, "password": PASSWORD})
    assert response.url == f"{reverse('users:why')}?{urlencode({'next': reverse('dashboard')})}"


def test_sign_in_and_sign_up_pages_use_the_same_words_as_the_navigation(client, db):
    for name, heading in (("account_login", "<h1>Sign in</h1>"), ("account_signup", "<h1>Sign up</h1>")):
        page = client.get(reverse(name)).content.decode()
        assert heading in page
        assert "Sign In" not in page
        assert "Log in" not in page


def test_profile_links_to_password_and_email_change(learner_client):
    page = learner_client.get(reverse("users:profile")).content.decode()
    assert reverse("account_change_password") in page
    assert reverse("account_email") in page
