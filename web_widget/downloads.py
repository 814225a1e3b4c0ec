"""The confirmation card's "add to calendar" download, authorised by the conversation's resume token."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from domain.db import admin_tx, tenant_tx
from domain.errors import NotFound
from domain.scheduling.service import booked_appointment_for_ticket
from domain.tenants.service import find_by_widget_key
from domain.tickets.service import get_ticket_by_code
from web_widget.access import read_resume_token
from web_widget.booking_card import booking_ics

router = APIRouter(tags=["widget"])


@router.get("/widget/booking.ics", include_in_schema=False)
async def booking_download(request: Request, key: str = Query(max_length=200), token: str = Query(max_length=500),
                           ticket: str = Query(max_length=20)) -> Response:
    """The booked appointment of a ticket made in this conversation, as an .ics file."""
    db = request.app.state.db
    async with admin_tx(db) as conn:
        tenant = await find_by_widget_key(conn, key)
    secret = request.app.state.settings.secret_key.get_secret_value()
    conversation_id = read_resume_token(secret, token, tenant_id=tenant.id) if tenant else None
    if tenant is None or conversation_id is None:
        raise NotFound("No such booking.", code="BOOKING_NOT_FOUND")
    async with tenant_tx(db.app_pool, tenant.id, "widget") as conn:
        found = await get_ticket_by_code(conn, code=ticket)
        appointment = await booked_appointment_for_ticket(conn, ticket_id=found.id)
    if found.conversation_id != conversation_id or appointment is None:
        raise NotFound("No such booking.", code="BOOKING_NOT_FOUND")
    body = booking_ics(tenant=tenant, code=found.code, category=found.service_category,
                       technician=appointment.technician_name, start=appointment.start, end=appointment.end,
                       address=found.service_address, appointment_id=str(appointment.id),
                       now=request.app.state.clock.now())
    return Response(body, media_type="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{found.code}.ics"'})
