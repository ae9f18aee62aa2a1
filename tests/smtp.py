"""A real SMTP server on localhost (aiosmtpd) for the tests of the mail transport and of reminders."""

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller


@dataclass
class SmtpSink:
    """aiosmtpd handler: accepts, or answers every DATA with ``reply`` while it is set."""

    reply: str | None = None
    reject_rcpt: str | None = None
    # Answer the n-th DATA (1-based) with "421 closing channel"; the client must then reconnect.
    drop_at: int | None = None
    data_count: int = 0
    received: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_rcpt:
            return self.reject_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_count += 1
        if self.data_count == self.drop_at:
            return "421 4.3.2 Service shutting down, closing channel"
        if self.reply:
            return self.reply
        with self.lock:
            self.received.append((tuple(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted"

    def recipients(self) -> list[str]:
        return [to for rcpts, _ in self.received for to in rcpts]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost; Django's SMTP backend pointed at it."""
    sink = SmtpSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield sink
    controller.stop()
