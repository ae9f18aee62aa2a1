"""A real SMTP server (aiosmtpd) that accepts, refuses with 550, answers slowly, or is down."""

import time
from dataclasses import dataclass, field
from email import message_from_bytes

from aiosmtpd.controller import Controller

from .ports import free_port


@dataclass
class Smtp:
    """A real SMTP server: ``refuse`` answers RCPT with it; ``delay`` holds the answer to DATA."""

    port: int = field(default_factory=free_port)
    refuse: str | None = None
    delay: float = 0.0
    received: list = field(default_factory=list)
    controller: Controller | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook name
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        import asyncio

        self.received.append((time.monotonic(), message_from_bytes(envelope.content)))
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted"

    def up(self) -> None:
        if self.controller is None:
            self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
            self.controller.start()

    def down(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def email_url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"
