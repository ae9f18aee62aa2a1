"""One-click unsubscribe: a signed link that works without logging in (RFC 8058)."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from dlcurriculum.mail.unsubscribe import make_token, read_token, unsubscribe_url, unsubscribe_urls
from progress.models import Reminder
from progress.reminders.sending import run_reminder_pass

from .conftest import NOW

pytestmark = pytest.mark.django_db


def link_for(user):
    return f"/mail/unsubscribe/{make_token(user.pk)}/"


def frequency_of(user):
    user.refresh_from_db()
    return user.reminder_frequency


def test_link_shows_a_confirmation_without_login_and_changes_nothing(client, learner):
    response = client.get(link_for(learner))
    assert response.status_code == 200
    assert b"Stop reminder e-mails?" in response.content
    assert frequency_of(learner) == "inactivity"


def test_confirming_turns_reminders_off(client, learner):
    response = client.post(link_for(learner))
    assert response.status_code == 200
    assert b"Reminders stopped" in response.content
    assert frequency_of(learner) == "off"


def test_one_click_post_from_a_mail_client_without_csrf_token_turns_reminders_off(learner):
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        link_for(learner), data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert frequency_of(learner) == "off"


def forged_for_another_learner(learner, other):
    # The other learner's payload under this learner's timestamp and signature.
    return make_token(other.pk).partition(":")[0] + ":" + make_token(learner.pk).partition(":")[2]


def altered_signature(learner, other):
    token = make_token(learner.pk)
    return token[:-2] + ("AA" if not token.endswith("AA") else "BB")


def garbage(learner, other):
    return "not-a-token"


@pytest.mark.parametrize("tamper", [forged_for_another_learner, altered_signature, garbage])
def test_tampered_link_is_refused_and_changes_nothing(client, learner, other_learner, tamper):
    response = client.post(f"/mail/unsubscribe/{tamper(learner, other_learner)}/")
    assert response.status_code == 400
    assert b"not valid" in response.content
    assert frequency_of(learner) == frequency_of(other_learner) == "inactivity"


def test_expired_link_is_refused_with_a_way_forward(client, learner, time_machine, settings):
    time_machine.move_to(NOW, tick=False)
    link = link_for(learner)
    time_machine.move_to(NOW + timedelta(days=settings.UNSUBSCRIBE_LINK_MAX_AGE_DAYS + 1), tick=False)
    response = client.post(link)
    assert response.status_code == 410
    assert b"expired" in response.content
    assert frequency_of(learner) == "inactivity"


def test_link_for_a_deleted_account_says_so(client, learner):
    link = link_for(learner)
    learner.delete()
    assert client.get(link).status_code == 404


def test_unsubscribe_link_from_a_reminder_stops_the_next_ones(
    client, small_curriculum, make_learner, time_machine, mailoutbox
):
    learner = make_learner(reminder_frequency="weekly")
    time_machine.move_to(NOW, tick=False)
    run_reminder_pass()
    header = mailoutbox[0].extra_headers["List-Unsubscribe"]
    url = re.fullmatch(r"<https?://[^/]+(/mail/unsubscribe/[^>]+)>", header).group(1)
    assert url in mailoutbox[0].body
    client.post(url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    time_machine.move_to(NOW + timedelta(days=7), tick=False)
    run_reminder_pass()
    assert len(mailoutbox) == 1
    assert frequency_of(learner) == "off"


def test_links_made_for_a_run_are_the_single_links(learner, other_learner, settings, time_machine):
    time_machine.move_to(NOW, tick=False)  # a token holds the second it was made in
    settings.SITE_URL = "https://TOKEN.example"  # the placeholder the route is reversed with, in the address too
    link = unsubscribe_urls()
    for user in (learner, other_learner):
        assert link(user.pk) == unsubscribe_url(user.pk)
    assert read_token(link(learner.pk).rstrip("/").rpartition("/")[2]) == learner.pk


def test_unsubscribing_cancels_a_reminder_waiting_for_retry(client, learner):
    Reminder.objects.create(user=learner, period="weekly:2026-W48", attempts=1)
    client.post(link_for(learner))
    assert Reminder.objects.get().status == "cancelled"
