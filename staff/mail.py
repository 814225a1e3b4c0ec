"""Email out through SMTP (aiosmtplib); printed to the console when SMTP_HOST is unset."""

from __future__ import annotations

import logging
from email.message import EmailMessage

import aiosmtplib

from fieldbook.settings import Settings

log = logging.getLogger(__name__)


async def send_email(settings: Settings, *, to: str, subject: str, body: str) -> None:
    """Send one plain-text email; failures are logged (without the address), never raised to the page."""
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if not settings.smtp_host:
        print(f"--- email (SMTP_HOST unset) ---\nTo: {to}\nSubject: {subject}\n\n{body}\n---", flush=True)
        return
    try:
        await aiosmtplib.send(
            message, hostname=settings.smtp_host, port=settings.smtp_port, username=settings.smtp_user,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            start_tls=settings.smtp_starttls, timeout=20)
    except (aiosmtplib.SMTPException, OSError) as exc:
        log.warning("email not sent: %s", type(exc).__name__)
