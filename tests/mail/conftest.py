import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from stages.models import Resource
from tests import factories

# A Wednesday, ten past six in the evening UTC.
NOW = datetime(2026, 11, 25, 18, 10, tzinfo=UTC)
JOINED = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
CURRICULUM_CREATED = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class SmallCurriculum:
    stages: list
    resources: dict  # key -> Resource


@pytest.fixture
def small_curriculum(db):
    """Stage 1: three core resources and one optional; stage 2: two core; stage 3: a project without resources."""
    s1 = factories.StageFactory(order=1, slug="practical", title="A Practical Encounter")
    s2 = factories.StageFactory(order=2, slug="math", title="Mathematical Foundations")
    s3 = factories.StageFactory(order=3, slug="capstone", title="Capstone Project I")
    resources = {}
    for stage, keys in ((s1, ["fastai", "talk", "crash-course"]), (s2, ["linear-algebra", "calculus"])):
        for i, key in enumerate(keys, start=1):
            title = key.replace("-", " ").title()
            resources[key] = factories.ResourceFactory(stage=stage, order=i, key=key, title=title)
    resources["extra"] = factories.ResourceFactory(stage=s1, order=4, key="extra", title="Extra Reading", optional=True)
    Resource.objects.update(created_at=CURRICULUM_CREATED)
    return SmallCurriculum(stages=[s1, s2, s3], resources=resources)


@pytest.fixture
def make_learner(db):
    def make(**kwargs):
        defaults = {
            "timezone": "UTC",
            "reminder_hour": 18,
            "reminder_frequency": "inactivity",
            "reminder_inactivity_days": 7,
            "date_joined": JOINED,
            "why": "I want to understand how AlphaGo learned & won.",
        }
        return factories.UserFactory(**{**defaults, **kwargs})

    return make


@pytest.fixture
def frozen_now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


# --- A real local SMTP server --------------------------------------------------------


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


# --- Celery against the real Redis -------------------------------------------------------


@pytest.fixture(scope="session")
def celery_config():
    url = os.environ.get("CELERY_TEST_REDIS_URL") or os.environ.get("REDIS_URL") or "memory://"
    return {
        "broker_url": url,
        "result_backend": url if url.startswith("redis") else "cache+memory://",
        "task_acks_late": True,
        "broker_connection_retry_on_startup": True,
    }
