"""E-mail under faults, with a real worker and beat, and a real SMTP server that is down, slow or refusing."""

import time

import pytest

from dlcurriculum.mail import outbox
from dlcurriculum.mail.models import SentEmail
from dlcurriculum.mail.services import send_templated

from .conftest import broker_url, wait_for
from .servers import Client

pytestmark = [pytest.mark.mail_queue, pytest.mark.real_password_hashing]

CONTEXT = {"name": "Ada", "lines": [], "next_url": "https://example.com/next", "unsubscribe_url": "u"}


def _broker() -> str:
    import redis

    redis.Redis.from_url(broker_url()).flushdb()
    return broker_url()


def _queue() -> SentEmail:
    # The test's own broker has no worker: only the worker's beat sweep can deliver this.
    return send_templated(to=["ada@example.com"], template="reminder", context=CONTEXT)


def test_sign_up_while_smtp_is_down_answers_normally_and_the_email_goes_out_within_two_minutes_of_its_return(
    gunicorn, celery_processes, smtp, record_figures
):
    mail_env = {"EMAIL_URL": smtp.email_url, "EMAIL_TIMEOUT": "2"}
    server = gunicorn(REDIS_URL=_broker(), **mail_env)
    celery_processes(_broker(), **mail_env)
    client = Client(server.base)
    status, headers, _ = client.post_form(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": "a long enough passphrase", "password2": "a long enough passphrase"},
    )
    assert status == 302
    assert "confirm-email" in headers["Location"]
    record = SentEmail.objects.get(to="new@example.com")
    wait_for(lambda: SentEmail.objects.get(pk=record.pk).attempts >= 2, 60)  # SMTP still down: retried, kept
    assert SentEmail.objects.get(pk=record.pk).status == "queued"

    smtp.up()
    back = time.monotonic()
    arrived = wait_for(lambda: smtp.received, 150)
    delay = arrived[0][0] - back if arrived else None
    record.refresh_from_db()
    record_figures(
        scenario="verification e-mail, SMTP down at sign-up", signup_status=status, delay_after_smtp_back_s=delay
    )
    assert delay is not None
    assert delay < 120
    assert len(smtp.received) == 1
    assert smtp.received[0][1]["Message-ID"] == record.message_id
    assert wait_for(lambda: SentEmail.objects.get(pk=record.pk).status == "sent", 10)


def test_a_550_refusal_is_tried_once_kept_as_failed_and_never_restarted(celery_processes, smtp, record_figures):
    smtp.refuse = "550 5.1.1 No such user"
    smtp.up()
    celery_processes(_broker(), EMAIL_URL=smtp.email_url, EMAIL_OUTBOX_SWEEP_SECONDS="2")
    record = _queue()
    assert wait_for(lambda: SentEmail.objects.get(pk=record.pk).status == "failed", 60)
    time.sleep(10)  # five more sweeps
    record.refresh_from_db()
    record_figures(scenario="550 refusal", attempts=record.attempts)
    assert record.attempts == 1
    assert "No such user" in record.last_error


def test_a_server_that_answers_after_the_timeout_gets_one_message_id_and_the_record_says_it_may_be_delivered(
    celery_processes, smtp, record_figures
):
    smtp.delay = 4
    smtp.up()
    celery_processes(
        _broker(),
        EMAIL_URL=smtp.email_url,
        EMAIL_TIMEOUT="2",
        EMAIL_OUTBOX_SWEEP_SECONDS="2",
        EMAIL_RETRY_BASE_SECONDS="2",
    )
    record = _queue()
    assert wait_for(lambda: SentEmail.objects.get(pk=record.pk).maybe_delivered, 60)
    smtp.delay = 0
    assert wait_for(lambda: SentEmail.objects.get(pk=record.pk).status == "sent", 60)
    ids = {message["Message-ID"] for _, message in smtp.received}
    record_figures(scenario="SMTP answers after the timeout", copies=len(smtp.received), distinct_message_ids=len(ids))
    assert ids == {record.message_id}


def test_an_email_queued_while_the_broker_is_down_goes_out_within_two_minutes_of_its_return(
    celery_processes, smtp, redis_proxy, record_figures
):
    smtp.up()
    celery_processes(redis_proxy.url, EMAIL_URL=smtp.email_url)
    time.sleep(5)
    redis_proxy.partition()
    record = _queue()
    time.sleep(5)
    assert smtp.received == []
    redis_proxy.heal()
    back = time.monotonic()
    arrived = wait_for(lambda: smtp.received, 150)
    delay = arrived[0][0] - back if arrived else None
    record_figures(scenario="e-mail queued during broker outage", delay_after_broker_back_s=delay)
    assert delay is not None
    assert delay < 120
    assert SentEmail.objects.get(pk=record.pk).attempts == 1


def test_delivery_records_the_attempt_before_it_sends(transactional_db, smtp):
    """The attempt (and its lease) is committed before the server is contacted."""
    from asgiref.sync import sync_to_async
    from django.db import connections
    from django.test import override_settings

    record = _queue()
    seen = []
    original = smtp.handle_DATA

    def read_record():
        try:
            return SentEmail.objects.filter(pk=record.pk).values_list("attempts", "lease_expires_at").get()
        finally:
            connections.close_all()

    async def look(server, session, envelope):
        seen.append(await sync_to_async(read_record, thread_sensitive=False)())
        return await original(server, session, envelope)

    smtp.handle_DATA = look
    smtp.up()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=smtp.port
    ):
        assert outbox.deliver(record.pk) == "sent"
    assert seen
    assert seen[0][0] == 1
    assert seen[0][1] is not None
