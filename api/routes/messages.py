from fastapi import APIRouter, Query

from api.answers import errors
from api.deps import Api
from domain.messages import service
from domain.messages.models import Message, MessageStatus
from domain.pagination import Page
from domain.phones import normalize_phone

router = APIRouter(prefix="/api/v1/messages", tags=["messages"])


@router.get("", responses=errors(INVALID_PHONE=422, INVALID_CURSOR=422, INVALID_LIMIT=422))
async def list_messages(api: Api, phone: str | None = Query(None, max_length=40),
                        status: MessageStatus | None = None, limit: int = 50,
                        cursor: str | None = None) -> Page[Message]:
    """Queued, sent and failed messages; `phone` in any format, `status` e.g. pending, sent, failed."""
    e164 = normalize_phone(phone, api.tenant.phone_region) if phone is not None else None
    async with api.tx() as conn:
        return await service.list_messages(conn, phone=e164, status=status, limit=limit, cursor=cursor)
