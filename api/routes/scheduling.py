"""Scheduling API: availability, the 15-minute calendar, appointments, and the technician's iCalendar feed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import BaseModel

from api.answers import errors
from api.deps import Api, Db
from domain.db import admin_tx, tenant_tx
from domain.fields import Instant
from domain.scheduling import calendar_feed, calendar_view, service
from domain.scheduling.models import (GRID_MINUTES, Appointment, AppointmentCreate, AppointmentOption,
                                      AppointmentReschedule, CalendarCell, TechnicianAvailability, TicketOptions)
from domain.tenants.service import get_tenant

router = APIRouter(prefix="/api/v1", tags=["scheduling"])

From = Annotated[Instant, Query(alias="from", description="Start, ISO 8601 with offset")]
To = Annotated[Instant, Query(alias="to", description="End (exclusive), ISO 8601 with offset; at most 31 days "
                                                      "after `from` (92 for appointments): a longer window is cut "
                                                      "there, one that ends before it starts is empty")]


class CalendarToken(BaseModel):
    token: str
    url: str


@router.get("/availability", responses=errors(UNKNOWN_CATEGORY=404))
async def availability(api: Api, category: Annotated[str, Query(max_length=40)], start: From, end: To,
                       duration_minutes: Annotated[int, Query(ge=GRID_MINUTES, le=720, multiple_of=GRID_MINUTES)] = 60,
                       limit: Annotated[int, Query(ge=1, le=20)] = 3,
                       preferred_technician_id: UUID | None = None) -> list[AppointmentOption]:
    """Bookable options starting in [from, to) across every technician with the skill, best first."""
    async with api.tx() as conn:
        return await service.find_options(
            conn, tenant=api.tenant, category=category, duration_minutes=duration_minutes, earliest=start,
            latest=end, now=api.clock.now(), preferred_technician=preferred_technician_id, limit=limit)


@router.post("/tickets/{ticket_id}/appointment-options", responses=errors(NOT_FOUND=404, TICKET_ALREADY_BOOKED=409))
async def ticket_options(api: Api, ticket_id: UUID,
                         limit: Annotated[int, Query(ge=1, le=20)] = 3) -> TicketOptions:
    """Options for a ticket in its urgency window; with no time at all the ticket is waitlisted."""
    async with api.tx() as conn:
        return await service.find_options_for_ticket(conn, tenant=api.tenant, ticket_id=ticket_id,
                                                     now=api.clock.now(), limit=limit)


@router.get("/technicians/{technician_id}/availability", responses=errors(NOT_FOUND=404))
async def technician_availability(api: Api, technician_id: UUID, start: From, end: To) -> TechnicianAvailability:
    """Seed 004's contract: `available` (the whole range is free), `total_available_minutes`, free ranges."""
    async with api.tx() as conn:
        return await calendar_view.technician_availability(conn, tenant=api.tenant, technician_id=technician_id,
                                                           start=start, end=end)


@router.get("/person-calendar", responses=errors(NOT_FOUND=404))
async def person_calendar(api: Api, start: From, end: To, technician_id: UUID | None = None) -> list[CalendarCell]:
    """15-minute cells of working time with `available` and `appointment_id` (at most 31 days)."""
    async with api.tx() as conn:
        return await calendar_view.person_calendar(conn, tenant=api.tenant, start=start, end=end,
                                                   now=api.clock.now(), technician_id=technician_id)


@router.post("/appointments", status_code=201, responses=errors(NOT_FOUND=404, SLOT_TAKEN=409, SLOT_UNAVAILABLE=409, TICKET_ALREADY_BOOKED=409, START_IN_PAST=409, TECHNICIAN_NOT_QUALIFIED=409))
async def book(api: Api, body: AppointmentCreate) -> Appointment:
    """Book a ticket; 409 SLOT_TAKEN (with `alternatives`) when the time is no longer free."""
    async with api.tx() as conn:
        return await service.book(conn, tenant=api.tenant, ticket_id=body.ticket_id,
                                  technician_id=body.technician_id, start=body.start,
                                  duration_minutes=body.duration_minutes, now=api.clock.now(), booked_by=api.actor)


@router.get("/appointments")
async def list_appointments(api: Api, start: From, end: To, technician_id: UUID | None = None,
                            include_cancelled: bool = False) -> list[Appointment]:
    """Appointments overlapping [from, to), by start (at most 92 days)."""
    async with api.tx() as conn:
        return await service.list_appointments(conn, start=start, end=end, technician_id=technician_id,
                                               include_cancelled=include_cancelled)


@router.get("/appointments/{appointment_id}", responses=errors(NOT_FOUND=404))
async def get_appointment(api: Api, appointment_id: UUID) -> Appointment:
    async with api.tx() as conn:
        return await service.get_appointment(conn, appointment_id=appointment_id)


@router.post("/appointments/{appointment_id}/cancel", responses=errors(NOT_FOUND=404, APPOINTMENT_NOT_BOOKED=409))
async def cancel(api: Api, appointment_id: UUID) -> Appointment:
    """Cancel a booked appointment; its ticket goes back to open."""
    async with api.tx() as conn:
        return await service.cancel(conn, tenant=api.tenant, appointment_id=appointment_id, now=api.clock.now())


@router.post("/appointments/{appointment_id}/reschedule", responses=errors(NOT_FOUND=404, APPOINTMENT_NOT_BOOKED=409, SLOT_TAKEN=409, SLOT_UNAVAILABLE=409, START_IN_PAST=409, TECHNICIAN_NOT_QUALIFIED=409))
async def reschedule(api: Api, appointment_id: UUID, body: AppointmentReschedule) -> Appointment:
    """Move an appointment; if the new time cannot be booked the old one stays as it was."""
    async with api.tx() as conn:
        return await service.reschedule(conn, tenant=api.tenant, appointment_id=appointment_id, start=body.start,
                                        technician_id=body.technician_id, now=api.clock.now())


@router.post("/technicians/{technician_id}/calendar-token", status_code=201, responses=errors(NOT_FOUND=404))
async def issue_calendar_token(api: Api, request: Request, technician_id: UUID) -> CalendarToken:
    """A new iCalendar feed URL for the technician (shown once); the previous one stops working."""
    async with api.tx() as conn:
        token = await calendar_feed.issue_calendar_token(conn, technician_id=technician_id)
    base = request.app.state.settings.public_url
    return CalendarToken(token=token, url=f"{base}/api/v1/technicians/{technician_id}/calendar.ics?token={token}")


@router.delete("/technicians/{technician_id}/calendar-token", status_code=204, responses=errors(NOT_FOUND=404))
async def revoke_calendar_token(api: Api, technician_id: UUID) -> Response:
    async with api.tx() as conn:
        await calendar_feed.revoke_calendar_token(conn, technician_id=technician_id)
    return Response(status_code=204)


@router.get("/technicians/{technician_id}/calendar.ics", response_class=Response, responses=errors(NOT_FOUND=404))
async def calendar_ics(request: Request, db: Db, technician_id: UUID,
                       token: Annotated[str, Query(max_length=200)]) -> Response:
    """The technician's appointments as iCalendar; the token in the URL is the only credential."""
    async with admin_tx(db) as conn:
        tenant_id = await calendar_feed.feed_tenant(conn, technician_id=technician_id, token=token)
        tenant = await get_tenant(conn, tenant_id) if tenant_id else None
    if tenant is None:
        raise HTTPException(404, "No calendar at this address.")
    now: datetime = request.app.state.clock.now()
    async with tenant_tx(db.app_pool, tenant.id, f"calendar-feed:{technician_id}") as conn:
        body = await calendar_feed.technician_feed(conn, tenant=tenant, technician_id=technician_id, now=now)
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=300"})
