"""Message templates: Jinja2 text for SMS, HTML (autoescaped) for email, one file per message type."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound

from domain.errors import Invalid
from domain.phones import format_phone

TEMPLATES = Path(__file__).resolve().parent / "templates"

SUBJECTS = {
    "appointment_confirmation": "Your appointment with {{ business_name }} is booked",
    "appointment_reminder": "Reminder: your appointment with {{ business_name }} tomorrow",
    "service_reminder": "Time for your next service with {{ business_name }}",
    "invoice": "Invoice {{ invoice_number }} from {{ business_name }}",
    "payment_reminder": "Payment reminder: invoice {{ invoice_number }}",
    "custom": "{{ subject | default('A message from ' ~ business_name) }}",
    "staff_alert": "{{ business_name }}: {{ reason }}",
}


@lru_cache(maxsize=1)
def environment() -> Environment:
    # Autoescape is explicit: on for every .html template, off for SMS text (which is never HTML).
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      autoescape=lambda name: bool(name and name.endswith(".html")),
                      trim_blocks=True, auto_reload=False, lstrip_blocks=True, keep_trailing_newline=False)
    env.filters["local_datetime"] = _local_datetime
    env.filters["phone"] = lambda value: format_phone(value) if value else ""
    return env


def _local_datetime(value: str | datetime, tz: str) -> str:
    """'Thu Nov 6 at 2:00 PM' in the tenant's timezone."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = moment.astimezone(ZoneInfo(tz))
    return local.strftime("%a %b ") + str(local.day) + " at " + local.strftime("%I:%M %p").lstrip("0")


def has_template(message_type: str, channel: str) -> bool:
    suffix = "txt" if channel == "sms" else "html"
    return (TEMPLATES / channel / f"{message_type}.{suffix}").is_file()


def render(message_type: str, channel: str, context: dict[str, Any]) -> tuple[str | None, str]:
    """(subject, body) of a message; SMS have no subject. Invalid when the context lacks a field."""
    env = environment()
    suffix = "txt" if channel == "sms" else "html"
    try:
        body = env.get_template(f"{channel}/{message_type}.{suffix}").render(context).strip()
        subject = None
        if channel == "email":
            subject = env.from_string(SUBJECTS.get(message_type, "{{ business_name }}")).render(context)
    except TemplateNotFound:
        raise Invalid(f"There is no {channel} template for {message_type} messages.",
                      code="NO_TEMPLATE") from None
    except TemplateError as exc:
        raise Invalid(f"The {message_type} message cannot be rendered: {exc.message}",
                      code="TEMPLATE_CONTEXT") from None
    return subject, body
