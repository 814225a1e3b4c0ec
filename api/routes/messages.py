from fastapi import APIRouter

from api.deps import Api
from api.params import PageCursor, PageLimit, PhoneFilter
from domain.messages import service
from domain.messages.models import Message, MessageStatus
from domain.pagination import Page
from domain.phones import try_normalize_phone

router = APIRouter(prefix="/api/v1/messages", tags=["messages"])


@router.get("")
async def list_messages(api: Api, phone: PhoneFilter = None, status: MessageStatus | None = None,
                        limit: PageLimit = 50, cursor: PageCursor = None) -> Page[Message]:
    """Queued, sent and failed messages; `phone` in any format, `status` e.g. pending, sent, failed."""
    e164 = try_normalize_phone(phone, api.tenant.phone_region) if phone is not None else None
    if phone is not None and e164 is None:
        return Page(data=[])   # not a number: no message was ever sent to it
    async with api.tx() as conn:
        return await service.list_messages(conn, phone=e164, status=status, limit=limit, cursor=cursor)
