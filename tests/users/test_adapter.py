"""allauth's e-mails go through the outbox: SMTP down never breaks sign-up or password reset."""

import socket

import pytest
from django.urls import reverse

from dlcurriculum.mail import outbox
from dlcurriculum.mail.models import SentEmail

pytestmark = [pytest.mark.django_db, pytest.mark.mail_queue]


@pytest.fixture
def smtp_down(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 1
    return settings


def test_sign_up_with_smtp_down_answers_normally_and_queues_the_verification_email(
    client, smtp_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "new@example.com",
                "password1": "a long enough passphrase",
                "password2": "a long enough passphrase",
            },
        )
    assert response.status_code == 302
    record = SentEmail.objects.get(to="new@example.com")
    assert (record.status, record.template, record.user.email) == (
        "queued",
        "email_confirmation_signup",
        "new@example.com",
    )
    assert outbox.deliver(record.pk) == "retry"  # SMTP still down: kept for the sweep


def test_password_reset_with_smtp_down_answers_normally_and_queues_the_email(
    client, learner, smtp_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("account_reset_password"), {"email": learner.email})
    assert response.status_code == 302
    record = SentEmail.objects.get(to=learner.email)
    assert record.status == "queued"
    assert "password_reset" in record.template


def test_the_queued_email_is_delivered_after_the_request_commits(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    from dlcurriculum.mail import tasks

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            reverse("account_signup"),
            {
                "email": "new@example.com",
                "password1": "a long enough passphrase",
                "password2": "a long enough passphrase",
            },
        )
    assert mailoutbox == []
    assert callbacks, "delivery is enqueued on commit"
    record = SentEmail.objects.get()
    tasks.deliver(record.pk)  # what the worker runs
    assert [m.to for m in mailoutbox] == [["new@example.com"]]
    assert mailoutbox[0].extra_headers["Message-ID"] == record.message_id
