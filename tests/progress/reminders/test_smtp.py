"""Against a real SMTP server on localhost (aiosmtpd): failures, retries, exactly once."""

from datetime import timedelta

import pytest

from dlcurriculum.mail.models import SentEmail
from progress.models import Reminder
from progress.reminders.sending import run_reminder_pass

from .conftest import NOW

pytestmark = pytest.mark.django_db


def test_failing_smtp_server_then_working_one_delivers_exactly_once(
    small_curriculum, make_learner, smtp_server, time_machine
):
    learners = [make_learner() for _ in range(3)]
    smtp_server.reply = "451 4.3.0 Mail server temporarily unavailable"
    time_machine.move_to(NOW, tick=False)
    first = run_reminder_pass()
    assert (first.sent, first.retrying, smtp_server.received) == (0, 3, [])

    smtp_server.reply = None
    time_machine.move_to(NOW + timedelta(minutes=2), tick=False)  # still backing off
    assert run_reminder_pass().sent == 0
    time_machine.move_to(NOW + timedelta(minutes=10), tick=False)
    assert run_reminder_pass().sent == 3
    time_machine.move_to(NOW + timedelta(hours=1), tick=False)
    run_reminder_pass()

    assert sorted(smtp_server.recipients()) == sorted(u.email for u in learners)
    assert set(Reminder.objects.values_list("status", "attempts")) == {("sent", 2)}


def test_delivered_reminder_is_a_multipart_message_with_rfc8058_headers(
    small_curriculum, make_learner, smtp_server, frozen_now
):
    make_learner()
    run_reminder_pass()
    ((_, message),) = smtp_server.received
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.get_payload()] == ["text/plain", "text/html"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].strip().startswith("<http")  # long headers may be folded
    assert message["Message-ID"] == f"<reminder-{Reminder.objects.get().pk}@dlcurriculum.localhost>"


def test_address_refused_by_the_server_is_a_permanent_failure_visible_in_admin(
    small_curriculum, make_learner, smtp_server, frozen_now, admin_client
):
    make_learner(email="gone@example.com")
    smtp_server.reject_rcpt = "550 5.1.1 No such user"
    result = run_reminder_pass()
    reminder = Reminder.objects.get()
    assert (result.failed, reminder.status, reminder.attempts) == (1, "failed", 1)
    assert "No such user" in reminder.last_error
    page = admin_client.get("/admin/progress/reminder/?status__exact=failed")
    assert b"gone@example.com" in page.content and b"No such user" in page.content
    assert SentEmail.objects.get().status == "failed"


def test_permanently_failed_reminder_is_not_tried_again(small_curriculum, make_learner, smtp_server, time_machine):
    make_learner()
    smtp_server.reject_rcpt = "550 5.1.1 No such user"
    time_machine.move_to(NOW, tick=False)
    run_reminder_pass()
    smtp_server.reject_rcpt = None
    time_machine.move_to(NOW + timedelta(hours=2), tick=False)
    run_reminder_pass()
    assert smtp_server.received == []


def test_all_reminders_of_a_batch_share_one_smtp_connection(small_curriculum, make_learner, smtp_server, frozen_now):
    for _ in range(4):
        make_learner()
    sessions = set()
    original = smtp_server.handle_DATA

    async def remember_session(server, session, envelope):
        sessions.add(id(session))
        return await original(server, session, envelope)

    smtp_server.handle_DATA = remember_session
    run_reminder_pass(batch_size=10)
    assert len(smtp_server.received) == 4 and len(sessions) == 1


def test_admin_can_send_a_permanently_failed_reminder_again(
    small_curriculum, make_learner, smtp_server, time_machine, admin_client
):
    learner = make_learner()
    smtp_server.reject_rcpt = "550 5.1.1 No such user"
    time_machine.move_to(NOW, tick=False)
    run_reminder_pass()
    smtp_server.reject_rcpt = None  # the address was fixed at the provider
    reminder = Reminder.objects.get()
    admin_client.post(
        "/admin/progress/reminder/", {"action": "retry_now", "_selected_action": [reminder.pk]}, follow=True
    )
    time_machine.move_to(NOW + timedelta(minutes=5), tick=False)
    run_reminder_pass()
    assert smtp_server.recipients() == [learner.email]
    assert Reminder.objects.get().status == "sent"


def test_connection_closed_by_the_server_mid_batch_is_reopened_for_the_rest(
    small_curriculum, make_learner, smtp_server, time_machine
):
    learners = [make_learner() for _ in range(4)]
    smtp_server.drop_at = 2
    time_machine.move_to(NOW, tick=False)
    first = run_reminder_pass(batch_size=10)
    assert (first.sent, first.retrying) == (3, 1)
    time_machine.move_to(NOW + timedelta(minutes=10), tick=False)
    run_reminder_pass(batch_size=10)
    assert sorted(smtp_server.recipients()) == sorted(u.email for u in learners)
