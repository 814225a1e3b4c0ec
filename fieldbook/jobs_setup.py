"""Builds the background jobs from settings: transports (real or recording) and their configuration."""

from __future__ import annotations

from domain.clock import Clock
from domain.db import Database
from fieldbook.settings import Settings
from jobs.scheduler import JobRunner, JobsConfig
from jobs.sender import SenderConfig
from jobs.transports import MailTransport, RecordingMail, RecordingSms, SmsTransport, SmtpMail, TwilioSms
from jobs.webhooks import WebhookConfig


def signing_key(settings: Settings) -> bytes | None:
    """The key webhook secrets are derived from (SECRET_KEY), or None when it is unset."""
    return settings.secret_key.get_secret_value().encode() if settings.secret_key else None


def sms_transport(settings: Settings) -> SmsTransport:
    if settings.twilio_account_sid and settings.twilio_auth_token:
        return TwilioSms(settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value())
    return RecordingSms()


def mail_transport(settings: Settings) -> MailTransport:
    if not settings.smtp_host:
        return RecordingMail()
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return SmtpMail(host=settings.smtp_host, port=settings.smtp_port, sender=settings.smtp_from,
                    username=settings.smtp_user, password=password, start_tls=settings.smtp_starttls)


def jobs_config(settings: Settings) -> JobsConfig:
    key = signing_key(settings)
    webhooks = WebhookConfig(
        signing_key=key, batch_size=settings.jobs_batch_size, lease_seconds=settings.jobs_lease_seconds,
        max_attempts=settings.webhook_max_attempts, backoff_seconds=settings.webhook_backoff_seconds,
        timeout_seconds=settings.webhook_timeout_seconds,
        allow_private=settings.webhook_allow_private_urls) if key else None
    sender = SenderConfig(batch_size=settings.jobs_batch_size, lease_seconds=settings.jobs_lease_seconds,
                          max_attempts=settings.message_max_attempts,
                          backoff_seconds=settings.message_backoff_seconds, public_url=settings.public_url)
    return JobsConfig(interval_seconds=settings.jobs_interval_seconds, sender=sender, webhooks=webhooks)


def build_job_runner(settings: Settings, db: Database, clock: Clock) -> JobRunner:
    return JobRunner(db, clock, sms=sms_transport(settings), mail=mail_transport(settings),
                     config=jobs_config(settings))
