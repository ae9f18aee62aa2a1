"""send_templated: the mail module other features use (capstone decisions, link reports); it queues in the outbox."""

import pytest

from dlcurriculum.mail.models import SentEmail
from dlcurriculum.mail.services import send_templated

pytestmark = pytest.mark.django_db

CONTEXT = {"name": "Ada", "lines": [], "next_url": "https://example.com/next", "unsubscribe_url": "u"}


def test_send_templated_sends_and_records_whom_what_and_why(learner, mailoutbox):
    record = send_templated(to=[learner.email], template="reminder", context=CONTEXT, reason="test", user=learner)
    assert [m.to for m in mailoutbox] == [[learner.email]]
    stored = SentEmail.objects.get()
    assert stored == record
    assert (stored.to, stored.template, stored.reason, stored.user, stored.status) == (
        learner.email,
        "reminder",
        "test",
        learner,
        "sent",
    )
    assert stored.subject == mailoutbox[0].subject


def test_send_templated_keeps_its_original_call_shape(mailoutbox):
    send_templated(to=["someone@example.com"], template="reminder", context=CONTEXT, headers={"X-Report": "links"})
    assert mailoutbox[0].extra_headers["X-Report"] == "links"
    assert SentEmail.objects.get().reason == "reminder"


def test_send_templated_with_a_key_sends_once_however_often_it_is_called(mailoutbox):
    for _ in range(3):
        send_templated(to=["a@example.com"], template="reminder", context=CONTEXT, key="decision:42")
    assert len(mailoutbox) == 1
    assert SentEmail.objects.count() == 1
