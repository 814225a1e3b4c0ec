"""The staff inbox: every web and SMS conversation by state, a conversation's transcript, reply, take over, hand back."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import ValidationError

from domain.conversations.models import Handling
from domain.errors import Invalid
from domain.inbox import macros, views
from domain.inbox import service as inbox
from domain.inbox.assignment import assign_conversation, assignment_history
from domain.inbox.models import InboxFilter, StaffMessageCreate
from domain.live import conversation_changed
from domain.phones import format_phone
from domain.sla.service import SLA_WORDS
from domain.staff.duty import get_duty
from domain.staff.service import list_staff
from staff.live import StaffLive
from staff.web import Form, Staff, redirect, render

router = APIRouter(prefix="/staff/inbox", include_in_schema=False)

STATES: dict[str, str] = {"needs_staff": "Needs staff", "staff": "With staff", "agent": "Agent"}


def staff_message(form: dict[str, str]) -> StaffMessageCreate:
    """A reply or, with the "private" box ticked, a note, from an inbox or ticket-thread form."""
    try:
        return StaffMessageCreate(content=form.get("content", ""), private=form.get("private") == "on")
    except ValidationError:
        raise Invalid("Write 1 to 1600 characters.", code="VALIDATION_ERROR") from None


def _state(value: str | None) -> Handling | None:
    if value in (None, "", "all"):
        return None
    if value not in STATES:
        raise Invalid("Unknown state.", code="VALIDATION_ERROR")
    return value  # type: ignore[return-value]


@router.get("")
async def inbox_page(request: Request, staff: Staff, state: str | None = "needs_staff", mine: bool = False,
                     unassigned: bool = False, channel: str = "", view: UUID | None = None,
                     cursor: str | None = None):
    """Conversations of one state (waiting ones first by default), most recent activity first; `view` applies
    one of the staff member's saved views."""
    staff.require_dispatch()
    async with staff.tx() as conn:
        if view is not None:
            filters = (await views.get_view(conn, staff_user_id=staff.session.staff_user_id, view_id=view)).filters
        else:
            filters = InboxFilter(state=_state(state), assigned_to=staff.session.staff_user_id if mine else None,
                                  unassigned=unassigned, channel=channel if channel in ("web", "sms") else None)
        page = await inbox.list_conversations(conn, filters=filters, limit=50, cursor=cursor)
        late = await inbox.sla_breaches(conn, rows=page.data, now=staff.clock.now())
        counts = await inbox.state_counts(conn)
        saved = await views.list_views(conn, staff_user_id=staff.session.staff_user_id)
        duty = await get_duty(conn, user_id=staff.session.staff_user_id)
    return render(request, "inbox.html", staff=staff, page=page, counts=counts, states=STATES, filters=filters, duty=duty,
                  state=filters.state or "all", mine=filters.assigned_to is not None, saved=saved, view=view,
                  phone=format_phone, late=late, sla_words=SLA_WORDS)


@router.get("/{conversation_id}")
async def conversation_page(request: Request, staff: Staff, conversation_id: UUID, macro: UUID | None = None):
    """The transcript (private notes marked), assignment and its history, and the reply form (a macro
    chosen fills it in for this customer)."""
    staff.require_dispatch()
    async with staff.tx() as conn:
        row = await inbox.get_row(conn, conversation_id=conversation_id)
        late = (await inbox.sla_breaches(conn, rows=[row], now=staff.clock.now())).get(row.id, [])
        lines = await inbox.transcript(conn, conversation_id=conversation_id, limit=1000)
        history = await assignment_history(conn, conversation_id=conversation_id)
        people = [p for p in await list_staff(conn) if p.active and p.role in ("owner", "dispatcher")]
        canned = await macros.list_macros(conn)
        draft = macros.fill_macro((await macros.get_macro(conn, macro_id=macro)).body, row) if macro else ""
    return render(request, "inbox_conversation.html", staff=staff, row=row, lines=lines, states=STATES,
                  phone=format_phone, history=history, people=people, macros=canned, draft=draft, late=late,
                  sla_words=SLA_WORDS)


@router.post("/{conversation_id}/assign")
async def assign(staff: Staff, live: StaffLive, form: Form, conversation_id: UUID):
    """Give the conversation to a staff member (or to nobody); every change is kept in its history."""
    staff.require_dispatch()
    try:
        person = UUID(form["staff_user_id"]) if form.get("staff_user_id") else None
    except ValueError:
        raise Invalid("Choose a staff member.", code="VALIDATION_ERROR") from None
    async with staff.tx() as conn:
        await assign_conversation(conn, tenant_id=staff.tenant.id, conversation_id=conversation_id,
                                  staff_user_id=person)
    conversation_changed(live, staff.tenant.id, conversation_id)
    return redirect(f"/staff/inbox/{conversation_id}")


@router.post("/{conversation_id}/reply")
async def reply(staff: Staff, live: StaffLive, form: Form, conversation_id: UUID):
    """A reply to the customer on the conversation's channel, or a private note."""
    staff.require_dispatch()
    data = staff_message(form)
    async with staff.tx() as conn:
        await inbox.post_staff_message(conn, tenant=staff.tenant, conversation_id=conversation_id, data=data,
                                       author_id=staff.session.staff_user_id, now=staff.clock.now())
    conversation_changed(live, staff.tenant.id, conversation_id)
    return redirect(f"/staff/inbox/{conversation_id}#reply")


@router.post("/{conversation_id}/take-over")
async def take_over(staff: Staff, live: StaffLive, form: Form, conversation_id: UUID):
    staff.require_dispatch()
    async with staff.tx() as conn:
        await inbox.take_over(conn, tenant=staff.tenant, conversation_id=conversation_id,
                              staff_user_id=staff.session.staff_user_id, now=staff.clock.now())
    conversation_changed(live, staff.tenant.id, conversation_id)
    return redirect(f"/staff/inbox/{conversation_id}")


@router.post("/{conversation_id}/hand-back")
async def hand_back(staff: Staff, live: StaffLive, form: Form, conversation_id: UUID):
    staff.require_dispatch()
    async with staff.tx() as conn:
        await inbox.hand_back(conn, tenant=staff.tenant, conversation_id=conversation_id, now=staff.clock.now())
    conversation_changed(live, staff.tenant.id, conversation_id)
    return redirect(f"/staff/inbox/{conversation_id}")
