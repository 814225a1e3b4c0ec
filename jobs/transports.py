"""Where messages leave the process: Twilio and SMTP, or recorders when those are not configured.

Nothing here logs a phone number, an email address or a message body.
"""

from __future__ import annotations

import asyncio
import logging
from email.message import EmailMessage
from typing import Protocol
from uuid import UUID

import aiosmtplib
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

log = logging.getLogger(__name__)

TWILIO_UNSUBSCRIBED = 21610


class SendFailed(Exception):
    """The provider refused or could not be reached; worth retrying."""


class RecipientUnsubscribed(SendFailed):
    """The carrier reports that the recipient opted out (Twilio error 21610)."""


class SmsTransport(Protocol):
    recorded: bool  # True when nothing actually leaves the machine

    async def send(self, *, message_id: UUID, to: str, from_: str | None, body: str) -> str | None: ...


class MailTransport(Protocol):
    recorded: bool

    async def send(self, *, message_id: UUID, to: str, subject: str, html: str) -> str | None: ...


class RecordingSms:
    """No Twilio credentials: the SMS is kept (status 'recorded', shown to staff) instead of sent."""

    recorded = True

    def __init__(self) -> None:
        self.sent: list[tuple[UUID, str, str]] = []

    async def send(self, *, message_id: UUID, to: str, from_: str | None, body: str) -> str | None:
        self.sent.append((message_id, to, body))
        log.info("SMS %s recorded (Twilio is not configured)", message_id)
        return None


class TwilioSms:
    """Twilio's REST client; its blocking call runs in a worker thread."""

    recorded = False

    def __init__(self, account_sid: str, auth_token: str, http_client=None) -> None:
        self.client = Client(account_sid, auth_token, http_client=http_client)

    async def send(self, *, message_id: UUID, to: str, from_: str | None, body: str) -> str | None:
        if not from_:
            raise SendFailed("the business has no SMS number configured")
        try:
            sent = await asyncio.to_thread(self.client.messages.create, to=to, from_=from_, body=body)
        except TwilioRestException as exc:
            if exc.code == TWILIO_UNSUBSCRIBED:
                raise RecipientUnsubscribed("recipient unsubscribed (21610)") from None
            raise SendFailed(f"Twilio error {exc.code or exc.status}") from None
        except (TwilioException, OSError) as exc:
            raise SendFailed(f"Twilio unreachable: {type(exc).__name__}") from None
        return sent.sid


class RecordingMail:
    """No SMTP server configured: the email is kept (status 'recorded') instead of sent."""

    recorded = True

    def __init__(self) -> None:
        self.sent: list[tuple[UUID, str, str]] = []

    async def send(self, *, message_id: UUID, to: str, subject: str, html: str) -> str | None:
        self.sent.append((message_id, to, subject))
        log.info("email %s recorded (SMTP is not configured)", message_id)
        return None


class SmtpMail:
    """Email through an SMTP server with aiosmtplib."""

    recorded = False

    def __init__(self, *, host: str, port: int, sender: str, username: str | None = None,
                 password: str | None = None, start_tls: bool = True, timeout: float = 30) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.start_tls, self.timeout = username, password, start_tls, timeout

    async def send(self, *, message_id: UUID, to: str, subject: str, html: str) -> str | None:
        email = EmailMessage()
        email["From"], email["To"], email["Subject"] = self.sender, to, subject
        email["X-Fieldbook-Message-Id"] = str(message_id)
        email.set_content("This message is best viewed in an email client that shows HTML.")
        email.add_alternative(html, subtype="html")
        try:
            await aiosmtplib.send(email, hostname=self.host, port=self.port, username=self.username,
                                  password=self.password, start_tls=self.start_tls, timeout=self.timeout)
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise SendFailed(f"SMTP: {type(exc).__name__}") from None
        return None
