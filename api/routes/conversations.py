"""The staff inbox over REST: conversations by hand-off state, their messages, take over and hand back."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from api.answers import errors
from api.deps import Api, Live
from api.params import PageCursor, PageLimit, PhoneFilter
from domain.conversations.models import Handling
from domain.inbox import service as inbox
from domain.inbox.models import InboxConversation, InboxFilter, InboxMessage, StaffMessageCreate
from domain.errors import Invalid
from domain.live import conversation_changed
from domain.pagination import Page

router = APIRouter(prefix="/api/v1/conversations", tags=["conversations"])


def _contract(row) -> InboxConversation:
    return InboxConversation.model_validate(row.model_dump())


def _line(message) -> InboxMessage:
    return InboxMessage(role=message.role, content=message.content, private=message.private,
                        created_at=message.created_at)


def _after_seq(cursor: str | None) -> int:
    if not cursor:
        return 0
    if not cursor.isdigit() or len(cursor) > 18:
        raise Invalid("The cursor is not valid; start again without it.", code="INVALID_CURSOR")
    return int(cursor)


NOT_FOUND = errors(CONVERSATION_NOT_FOUND=404)


@router.get("")
async def list_conversations(api: Api, state: Handling | None = None, phone: PhoneFilter = None,
                             limit: PageLimit = 50, cursor: PageCursor = None) -> Page[InboxConversation]:
    """Web and SMS conversations, most recent activity first; `state` is agent, needs_staff or staff."""
    async with api.tx() as conn:
        page = await inbox.list_conversations(conn, filters=InboxFilter(state=state, phone=phone),
                                              region=api.tenant.phone_region, limit=limit, cursor=cursor)
    return Page(data=[_contract(row) for row in page.data], next_cursor=page.next_cursor)


@router.get("/{conversation_id}/messages", responses=errors(CONVERSATION_NOT_FOUND=404))
async def list_messages(api: Api, conversation_id: UUID, limit: PageLimit = 200,
                        cursor: Annotated[str | None, Query(pattern=r"^[0-9]{1,18}$")] = None) -> Page[InboxMessage]:
    """The transcript in order, private notes included (`private: true`); roles customer, agent, staff, system."""
    async with api.tx() as conn:
        lines = await inbox.transcript(conn, conversation_id=conversation_id, after_seq=_after_seq(cursor),
                                       limit=limit + 1)
    more = len(lines) > limit
    lines = lines[:limit]
    return Page(data=[_line(m) for m in lines], next_cursor=str(lines[-1].seq) if more else None)


@router.post("/{conversation_id}/messages", status_code=201, responses=NOT_FOUND)
async def post_message(api: Api, live: Live, conversation_id: UUID, body: StaffMessageCreate) -> InboxMessage:
    """A staff reply, delivered on the conversation's channel (SMS to its number, or the open web chat), which
    takes the conversation over; with `private: true` an internal note that is never sent."""
    async with api.tx() as conn:
        line = await inbox.post_staff_message(conn, tenant=api.tenant, conversation_id=conversation_id, data=body,
                                              author_id=None, now=api.clock.now())
    conversation_changed(live, api.tenant.id, conversation_id)
    return _line(line)


@router.post("/{conversation_id}/take-over", responses=NOT_FOUND)
async def take_over(api: Api, live: Live, conversation_id: UUID) -> InboxConversation:
    """State `staff`: the agent stays silent until hand-back."""
    async with api.tx() as conn:
        row = await inbox.take_over(conn, tenant=api.tenant, conversation_id=conversation_id, staff_user_id=None,
                                    now=api.clock.now())
    conversation_changed(live, api.tenant.id, conversation_id)
    return _contract(row)


@router.post("/{conversation_id}/hand-back", responses=NOT_FOUND)
async def hand_back(api: Api, live: Live, conversation_id: UUID) -> InboxConversation:
    """State `agent`: the agent answers the customer's next message."""
    async with api.tx() as conn:
        row = await inbox.hand_back(conn, tenant=api.tenant, conversation_id=conversation_id, now=api.clock.now())
    conversation_changed(live, api.tenant.id, conversation_id)
    return _contract(row)
