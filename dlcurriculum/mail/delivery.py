"""Sending over one SMTP connection and telling a retryable failure from a permanent one."""

from __future__ import annotations

import contextlib
import enum
import smtplib
from dataclasses import dataclass
from typing import Self

from django.core.mail import get_connection
from django.core.mail.message import EmailMessage


class Outcome(enum.Enum):
    SENT = "sent"
    RETRY = "retry"
    PERMANENT = "permanent"


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    error: str = ""
    # The conversation broke off without an answer to the message (timeout, dropped connection):
    # the server may have accepted it, so a retry may deliver a second copy.
    ambiguous: bool = False


def classify(exc: BaseException) -> Outcome:
    """5xx replies are permanent (bad address, rejected); everything else may work later."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return Outcome.PERMANENT if codes and all(code >= 500 for code in codes) else Outcome.RETRY
    if isinstance(exc, smtplib.SMTPResponseException):
        return Outcome.PERMANENT if exc.smtp_code >= 500 else Outcome.RETRY
    return Outcome.RETRY


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


class BatchSender:
    """Sends a batch over one connection; a dropped connection is reopened once, then the rest is retried later."""

    def __init__(self, connection=None):
        self.connection = connection or get_connection(fail_silently=False)
        self._needs_open = True
        self._reopened = False
        self._down: str = ""

    @property
    def down(self) -> bool:
        """The server could not be reached (twice): the rest of the batch should wait."""
        return bool(self._down)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            self.connection.close()

    def _connection_lost(self, exc: BaseException) -> None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            self.connection.close()
        if self._reopened:
            self._down = describe(exc)
        else:
            self._reopened = True
            self._needs_open = True

    def send(self, message: EmailMessage) -> Delivery:
        if self._down:
            return Delivery(Outcome.RETRY, self._down)
        if self._needs_open:
            self._needs_open = False
            try:
                self.connection.open()
            except OSError as exc:
                self._down = describe(exc)
                return Delivery(Outcome.RETRY, self._down)
        try:
            sent = self.connection.send_messages([message])
        except smtplib.SMTPServerDisconnected as exc:
            self._connection_lost(exc)
            return Delivery(Outcome.RETRY, describe(exc), ambiguous=True)
        except smtplib.SMTPException as exc:
            if getattr(exc, "smtp_code", None) == 421:
                # "Service not available, closing channel": smtplib has closed the connection.
                self._connection_lost(exc)
            # Otherwise the server answered and the connection is usable for the next message.
            return Delivery(classify(exc), describe(exc))
        except OSError as exc:  # reset, timeout: this connection is gone
            self._connection_lost(exc)
            return Delivery(Outcome.RETRY, describe(exc), ambiguous=True)
        if not sent:
            return Delivery(Outcome.PERMANENT, "The message has no recipients.")
        return Delivery(Outcome.SENT)
