"""Server-sent events for staff pages: a page subscribes to a topic and refreshes what changed.

Events are hints (domain/live): the page re-reads the part it shows, so nothing here carries data.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from api.deps import Live
from domain.errors import Invalid
from domain.live import INBOX, Notifier
from staff.web import Staff

router = APIRouter(prefix="/staff", include_in_schema=False)

HEARTBEAT_S = 15
TOPIC = re.compile(r"^(inbox|conversation:[0-9a-f-]{36})$")


StaffLive = Live   # the same Annotated dependency as the API's


async def _events(request: Request, live: Notifier, tenant_id, topic: str) -> AsyncIterator[str]:
    async with live.subscribe(tenant_id, [topic]) as queue:
        yield "retry: 3000\n\n"
        while not await request.is_disconnected():
            try:
                event = await asyncio.wait_for(queue.get(), HEARTBEAT_S)
            except asyncio.TimeoutError:
                yield ": still here\n\n"
                continue
            yield f"event: change\ndata: {json.dumps(event)}\n\n"


@router.get("/live")
async def live_events(request: Request, staff: Staff, live: StaffLive, topic: str = INBOX) -> StreamingResponse:
    """`change` events of the inbox or of one conversation (`conversation:<id>`), for the signed-in business."""
    staff.require_dispatch()
    if not TOPIC.match(topic):
        raise Invalid("Unknown topic.", code="VALIDATION_ERROR")
    return StreamingResponse(_events(request, live, staff.tenant.id, topic), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
