"""Tickets: task-first service requests, their lifecycle and notes."""

from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from api.answers import errors
from api.deps import Api
from api.params import PageCursor, PageLimit, PhoneFilter
from domain.inbox import thread
from domain.inbox.thread import ThreadItem
from domain.notes import service as notes
from domain.notes.models import Note, NoteCreate
from domain.pagination import Page
from domain.tickets import service
from domain.tickets.models import Ticket, TicketCancel, TicketCreate, TicketFilter, TicketStatus, TicketUpdate
from domain.workflow import service as workflow

router = APIRouter(prefix="/api/v1/tickets", tags=["tickets"])


def ticket_filter(status: TicketStatus | None = None, phone: PhoneFilter = None,
                  category: str | None = Query(None, max_length=60), technician: UUID | None = None,
                  contact: UUID | None = None) -> TicketFilter:
    return TicketFilter(status=status, phone=phone, category=category, technician_id=technician, contact_id=contact)


@router.get("")
async def list_tickets(api: Api, filters: TicketFilter = Depends(ticket_filter), limit: PageLimit = 50,
                       cursor: PageCursor = None) -> Page[Ticket]:
    """Tickets by creation; `phone` in any format, `category`, `status`, `technician`, `contact`."""
    async with api.tx() as conn:
        return await service.list_tickets(conn, filters=filters, region=api.tenant.phone_region, limit=limit,
                                          cursor=cursor)


@router.post("", status_code=201, responses=errors(UNKNOWN_CATEGORY=404, UNKNOWN_URGENCY=404, UNKNOWN_CONTACT=404, INVALID_PHONE=409))
async def create_ticket(api: Api, body: TicketCreate) -> Ticket:
    """A service request; a phone number and a category are enough (no contact needed)."""
    async with api.tx() as conn:
        return await service.create_ticket(conn, tenant_id=api.tenant.id, data=body, region=api.tenant.phone_region)


@router.get("/{ref}", responses=errors(NOT_FOUND=404))
async def get_ticket(api: Api, ref: str) -> Ticket:
    """A ticket by id or code (TASK-00042)."""
    async with api.tx() as conn:
        return await service.find_ticket(conn, ref=ref)


# what the workflow answers when a status or a technician is asked for (domain/workflow)
WORKFLOW_ERRORS = dict(BOOKING_REQUIRED=409, CLOCK_IN_REQUIRED=409, CLOSE_OUT_REQUIRED=409,
                       CANCEL_APPOINTMENT_REQUIRED=409, REASON_REQUIRED=409, JOB_STARTED=409,
                       TECHNICIAN_NOT_QUALIFIED=409, TECHNICIAN_INACTIVE=409, SLOT_TAKEN=409, SLOT_UNAVAILABLE=409,
                       START_IN_PAST=409)


@router.patch("/{ref}", responses=errors(NOT_FOUND=404, UNKNOWN_CATEGORY=404, UNKNOWN_URGENCY=404, UNKNOWN_CONTACT=404, UNKNOWN_TECHNICIAN=404, UNKNOWN_ADDRESS=404, INVALID_TRANSITION=409, TICKET_CLOSED=409, TICKET_ALREADY_LINKED=409, **WORKFLOW_ERRORS))
async def update_ticket(api: Api, ref: str, body: TicketUpdate) -> Ticket:
    """Details as sent; `technician_id` must have the skill (a booked visit moves with it); `status` only to
    `cancelled`; any other status answers 409 naming the step that gets there (booking, clock-in, close-out)."""
    async with api.tx() as conn:
        ticket = await service.find_ticket(conn, ref=ref)
        return await workflow.change_ticket(conn, tenant=api.tenant, ticket_id=ticket.id, data=body,
                                            now=api.clock.now())


@router.post("/{ref}/cancel", responses=errors(NOT_FOUND=404, TICKET_CLOSED=409))
async def cancel_ticket(api: Api, ref: str, body: TicketCancel) -> Ticket:
    """Cancel for good: its appointment is cancelled, its pending messages too; a customer already told is told."""
    async with api.tx() as conn:
        ticket = await service.find_ticket(conn, ref=ref)
        return await workflow.cancel_ticket(conn, tenant=api.tenant, ticket_id=ticket.id, reason=body.reason,
                                            now=api.clock.now())


@router.delete("/{ref}", status_code=204, responses=errors(NOT_FOUND=404, TICKET_CLOSED=409, CANCEL_REQUIRED=409))
async def delete_ticket(api: Api, ref: str) -> Response:
    async with api.tx() as conn:
        ticket = await service.find_ticket(conn, ref=ref)
        await service.delete_ticket(conn, ticket_id=ticket.id)
    return Response(status_code=204)


@router.get("/{ref}/notes", responses=errors(NOT_FOUND=404))
async def list_notes(api: Api, ref: str) -> Page[Note]:
    async with api.tx() as conn:
        ticket = await service.find_ticket(conn, ref=ref)
        return Page(data=await notes.list_ticket_notes(conn, ticket_id=ticket.id))


@router.post("/{ref}/notes", status_code=201, responses=errors(NOT_FOUND=404))
async def add_note(api: Api, ref: str, body: NoteCreate) -> Note:
    async with api.tx() as conn:
        ticket = await service.find_ticket(conn, ref=ref)
        return await notes.add_ticket_note(conn, tenant_id=api.tenant.id, ticket_id=ticket.id, author=api.actor,
                                           data=body)


@router.get("/{ref}/thread", responses=errors(NOT_FOUND=404))
async def ticket_thread(api: Api, ref: str) -> Page[ThreadItem]:
    """One thread per ticket, oldest first: its conversation (customer, agent, staff, private notes), its notes
    and the texts and emails sent about it; each item with `role`, `channel`, `author`, `private`."""
    async with api.tx() as conn:
        ticket = await service.find_ticket(conn, ref=ref)
        return Page(data=await thread.ticket_thread(conn, ticket_id=ticket.id))
