"""Settings from environment variables, read once at start-up and validated.

A bad or missing value fails at start-up with a message naming the variable.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(RuntimeError):
    """Raised with a message that names each bad or missing environment variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    database_url: str | None = Field(None, description="Owner/migrations connection; unset = embedded PostgreSQL")
    database_app_url: str | None = Field(None, description="Serving-role connection (default: DATABASE_URL + SET ROLE)")
    fieldbook_data_dir: Path = Path(".fieldbook")
    public_base_url: AnyHttpUrl = AnyHttpUrl("http://127.0.0.1:8000")
    secret_key: SecretStr | None = None
    fieldbook_clock: datetime | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    llm_local_base_url: AnyHttpUrl | None = None
    llm_local_model: str | None = None
    llm_local_api_key: SecretStr | None = None
    llm_remote_provider: str | None = None
    llm_remote_model: str | None = None
    llm_remote_api_key: SecretStr | None = None

    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None

    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "Fieldbook <no-reply@fieldbook.local>"
    smtp_starttls: bool = True

    # Background jobs (jobs/): off in tests, which run each job explicitly.
    jobs_enabled: bool = True
    jobs_interval_seconds: float = Field(10.0, gt=0)
    jobs_batch_size: int = Field(50, ge=1, le=1000)
    jobs_lease_seconds: int = Field(300, ge=1, description="A claimed message or delivery is retried after this")
    message_max_attempts: int = Field(5, ge=1)
    message_backoff_seconds: float = Field(60.0, ge=0)
    webhook_max_attempts: int = Field(12, ge=1)
    webhook_backoff_seconds: float = Field(30.0, ge=0, description="First retry delay; doubles per attempt")
    webhook_timeout_seconds: float = Field(10.0, gt=0)
    # Lets webhook URLs point at loopback/private addresses (tests, single-machine setups); off in
    # production so one tenant cannot make the server call internal services. Checked when an endpoint
    # is registered and again, on the resolved address, at every delivery.
    webhook_allow_private_urls: bool = False
    # A bare websocket echo route, /widget/echo, that `fieldbook bench channels` measures against.
    bench_routes: bool = False

    # Telemetry (fieldbook/telemetry.py), off unless one of these is set: OTLP/HTTP export of traces and
    # metrics to a collector, and Prometheus text at /metrics for a caller presenting METRICS_TOKEN.
    otel_exporter_otlp_endpoint: AnyHttpUrl | None = None
    otel_service_name: str = "fieldbook"
    otel_metric_export_interval_ms: int = Field(60_000, ge=1000)
    metrics_token: SecretStr | None = None

    @field_validator("fieldbook_clock")
    @classmethod
    def _clock_has_offset(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("must include a UTC offset, e.g. 2025-11-06T09:30:00-05:00")
        return value

    @field_validator("metrics_token")
    @classmethod
    def _token_long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters")
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret_long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("must be at least 32 characters (try: python -c 'import secrets; print(secrets.token_urlsafe(48))')")
        return value

    @property
    def embedded(self) -> bool:
        return self.database_url is None

    @property
    def public_url(self) -> str:
        return str(self.public_base_url).rstrip("/")

    def require(self, *names: str) -> None:
        """Fail with one message naming every listed setting that is unset."""
        missing = [n.upper() for n in names if getattr(self, n) in (None, "")]
        if missing:
            raise SettingsError(f"missing required environment variable(s): {', '.join(missing)}")


def load_settings(**overrides) -> Settings:
    """Read the environment; a validation error becomes a SettingsError naming the variables."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors()]
        raise SettingsError("invalid configuration:\n  " + "\n  ".join(problems)) from None
