"""What the widget shows once a booking exists: a confirmation card and an .ics download."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from icalendar import Calendar, Event

from domain.tenants.models import Tenant


def local_when(start: datetime, end: datetime, tenant: Tenant) -> str:
    """"Thu, Nov 6, 2:00 PM – 4:00 PM EST" in the business's timezone."""
    s, e = start.astimezone(tenant.tz), end.astimezone(tenant.tz)
    day = f"{s:%a}, {s:%b} {s.day}"
    return f"{day}, {_clock(s)} – {_clock(e)} {s.tzname()}"


def _clock(value: datetime) -> str:
    return f"{value.hour % 12 or 12}:{value:%M} {'AM' if value.hour < 12 else 'PM'}"


def booking_card(service_request: dict[str, Any] | None, tenant: Tenant, resume_token: str,
                 service_names: dict[str, str] | None = None) -> dict[str, Any] | None:
    """The card for the conversation's latest booking (from the agent's serviceRequest), or None.

    `service_names` maps category keys to the business's names for them ("HVAC" -> "Heating & Cooling").
    """
    if not service_request or not service_request.get("appointment"):
        return None
    appointment = service_request["appointment"]
    if appointment.get("status", "booked") != "booked":
        return None
    ticket = service_request["ticket"]
    start, end = datetime.fromisoformat(appointment["start"]), datetime.fromisoformat(appointment["end"])
    return {
        "ticket_code": ticket["code"],
        "service": (service_names or {}).get(ticket["service_category"], ticket["service_category"]),
        "technician": (service_request.get("technician") or {}).get("name"),
        "when": local_when(start, end, tenant),
        "address": appointment.get("address"),
        "ics_url": f"/widget/booking.ics?key={quote(tenant.widget_public_key)}&token={quote(resume_token)}"
                   f"&ticket={quote(ticket['code'])}",
    }


def booking_ics(*, tenant: Tenant, code: str, category: str, technician: str | None, start: datetime,
                end: datetime, address: str | None, appointment_id: str, now: datetime) -> bytes:
    """One appointment as an iCalendar file, in the business's timezone."""
    cal = Calendar()
    cal.add("prodid", "-//Fieldbook//Booking//EN")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"{appointment_id}@fieldbook")
    event.add("dtstamp", now)
    event.add("dtstart", start.astimezone(tenant.tz))
    event.add("dtend", end.astimezone(tenant.tz))
    event.add("summary", f"{category} service – {tenant.name}")
    if address:
        event.add("location", address)
    event.add("description", f"Reference {code}" + (f". Technician: {technician}" if technician else ""))
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
