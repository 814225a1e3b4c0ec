"""Outbound messages (confirmations, reminders, codes, invoices): what was sent, recorded or failed.

Without Twilio credentials SMS are recorded instead of sent; this page is where staff read them.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from domain.errors import Invalid
from domain.messages.service import list_messages
from domain.phones import normalize_phone
from staff.web import Staff, render

router = APIRouter(prefix="/staff")

STATUSES = ("pending", "sent", "recorded", "cancelled", "failed", "expired", "suppressed")


@router.get("/messages")
async def messages(request: Request, staff: Staff, phone: str | None = None, status: str | None = None,
                   cursor: str | None = None):
    """Messages in the order they were queued, filtered by recipient phone and status."""
    staff.require_dispatch()
    if status and status not in STATUSES:
        raise Invalid(f"status must be one of {', '.join(STATUSES)}.", code="INVALID_STATUS")
    to = normalize_phone(phone, staff.tenant.phone_region) if phone else None
    async with staff.tx() as conn:
        page = await list_messages(conn, phone=to, status=status or None, limit=50, cursor=cursor)
    return render(request, "messages.html", staff=staff, page=page, phone=phone or "", status=status or "",
                  statuses=STATUSES)
