"""The outbox against a real local SMTP server (aiosmtpd): recorded first, one Message-ID, retried, refused for good."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dlcurriculum.mail import outbox
from dlcurriculum.mail.models import SentEmail
from dlcurriculum.mail.services import send_templated

pytestmark = [pytest.mark.django_db, pytest.mark.mail_queue]

CONTEXT = {"name": "Ada", "lines": [], "next_url": "https://example.com/next", "unsubscribe_url": "u"}


def _queue(**kwargs) -> SentEmail:
    return send_templated(to=["a@example.com"], template="reminder", context=CONTEXT, **kwargs)


def _later(time_machine, seconds: float) -> None:
    time_machine.move_to(timezone.now() + timedelta(seconds=seconds), tick=False)


def test_queueing_records_the_message_with_a_message_id_before_anything_is_sent(smtp_server):
    record = _queue()
    assert smtp_server.received == []
    assert (record.status, record.attempts) == ("queued", 0)
    assert record.message_id.startswith("<mail-")
    assert record.message["to"] == ["a@example.com"]


def test_delivery_sends_with_the_recorded_message_id_and_forgets_the_body(smtp_server):
    record = _queue()
    assert outbox.deliver(record.pk) == "sent"
    ((_, message),) = smtp_server.received
    assert message["Message-ID"] == record.message_id
    record.refresh_from_db()
    assert (record.status, record.attempts, record.message) == ("sent", 1, {})


def test_delivering_twice_sends_once(smtp_server):
    record = _queue()
    outbox.deliver(record.pk)
    assert outbox.deliver(record.pk) == "skipped"
    assert len(smtp_server.received) == 1


def test_a_temporary_refusal_is_retried_with_the_same_message_id(smtp_server, time_machine):
    record = _queue()
    smtp_server.reply = "451 4.3.0 Try again later"
    assert outbox.deliver(record.pk) == "retry"
    smtp_server.reply = None
    assert outbox.deliver_due()["sent"] == 0  # still backing off
    _later(time_machine, 20)
    assert outbox.deliver_due()["sent"] == 1
    ((_, message),) = smtp_server.received
    assert message["Message-ID"] == record.message_id
    assert SentEmail.objects.values_list("status", "attempts").get() == ("sent", 2)


def test_a_permanent_refusal_stops_at_once_and_is_kept(smtp_server, time_machine):
    record = _queue()
    smtp_server.reject_rcpt = "550 5.1.1 No such user"
    assert outbox.deliver(record.pk) == "failed"
    smtp_server.reject_rcpt = None
    _later(time_machine, 3600)
    assert outbox.deliver_due() == {"sent": 0, "failed": 0, "retry": 0, "skipped": 0}
    assert outbox.deliver(record.pk) == "skipped"
    record.refresh_from_db()
    assert (record.status, record.attempts, smtp_server.received) == ("failed", 1, [])
    assert "No such user" in record.last_error


def test_a_permanent_refusal_is_shown_in_the_admin(smtp_server, admin_client):
    record = _queue()
    smtp_server.reject_rcpt = "550 5.1.1 No such user"
    outbox.deliver(record.pk)
    page = admin_client.get("/admin/mail/sentemail/?status__exact=failed").content.decode()
    assert "a@example.com" in page
    assert "No such user" in page


def test_a_server_that_answers_after_the_timeout_gets_the_same_message_id_again(smtp_server, time_machine, settings):
    import asyncio

    settings.EMAIL_TIMEOUT = 1
    record = _queue()
    original = smtp_server.handle_DATA

    async def slow_then_accept(server, session, envelope):
        answer = await original(server, session, envelope)
        if smtp_server.data_count == 1:
            await asyncio.sleep(2)  # accepted, but the answer comes after the client gave up
        return answer

    smtp_server.handle_DATA = slow_then_accept
    assert outbox.deliver(record.pk) == "retry"
    record.refresh_from_db()
    assert record.maybe_delivered is True
    _later(time_machine, 20)
    assert outbox.deliver_due()["sent"] == 1
    ids = [message["Message-ID"] for _, message in smtp_server.received]
    assert ids == [record.message_id, record.message_id]


def test_an_unreachable_server_leaves_the_email_queued_and_the_sweep_sends_it_when_it_is_back(
    smtp_server, time_machine, settings
):
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    record = _queue()
    assert outbox.deliver(record.pk) == "retry"
    record.refresh_from_db()
    assert (record.status, record.maybe_delivered) == ("queued", False)
    settings.EMAIL_PORT = port
    _later(time_machine, 60)
    assert outbox.deliver_due()["sent"] == 1
    assert smtp_server.recipients() == ["a@example.com"]


def test_retries_come_at_most_a_minute_apart():
    assert [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 10)] == [15, 30, 60, 60]


def test_transient_failures_end_as_failed_after_the_give_up_time(smtp_server, time_machine, settings):
    record = _queue()
    smtp_server.reply = "451 4.3.0 Try again later"
    _later(time_machine, settings.EMAIL_GIVE_UP_AFTER_HOURS * 3600 + 1)
    assert outbox.deliver(record.pk) == "failed"
    assert SentEmail.objects.get().last_error.startswith("Gave up")


def test_a_second_queue_with_the_same_key_records_nothing_new():
    first = _queue(key="decision:1")
    second = _queue(key="decision:1")
    assert first.pk == second.pk
    assert SentEmail.objects.count() == 1


def test_an_attempt_that_died_holds_the_message_until_its_lease_ends(smtp_server, time_machine, settings):
    record = _queue()
    assert outbox._claim(record.pk, timezone.now()) is not None  # a worker took it, then was killed
    assert outbox.deliver_due()["sent"] == 0
    _later(time_machine, settings.EMAIL_LEASE_SECONDS + 1)
    assert outbox.deliver_due()["sent"] == 1
