from uuid import UUID

from fastapi import APIRouter, Query, Response

from api.answers import errors
from api.deps import Api
from api.params import PageCursor, PageLimit, PhoneFilter
from domain.contacts import service
from domain.contacts.models import Contact, ContactCreate, ContactUpdate

from domain.pagination import Page
from domain.phones import try_normalize_phone

router = APIRouter(prefix="/api/v1/contacts", tags=["contacts"])


@router.get("")
async def list_contacts(api: Api, phone: PhoneFilter = None, q: str | None = Query(None, max_length=200),
                        limit: PageLimit = 50, cursor: PageCursor = None) -> Page[Contact]:
    """Contacts; `phone` is an exact lookup in any format, `q` a search by name, email or phone."""
    async with api.tx() as conn:
        if phone is not None:
            e164 = try_normalize_phone(phone, api.tenant.phone_region)
            found = await service.get_by_phone(conn, phone=e164) if e164 else None
            return Page(data=[found] if found else [])
        return await service.list_contacts(conn, limit=limit, cursor=cursor, q=q, region=api.tenant.phone_region)


@router.post("", status_code=201, responses=errors(DUPLICATE_PHONE=409, INVALID_PHONE=409, EMPTY_CONTACT=422))
async def create_contact(api: Api, body: ContactCreate) -> Contact:
    async with api.tx() as conn:
        return await service.create_contact(conn, tenant_id=api.tenant.id, data=body, region=api.tenant.phone_region)


@router.get("/{contact_id}", responses=errors(NOT_FOUND=404))
async def get_contact(api: Api, contact_id: UUID) -> Contact:
    async with api.tx() as conn:
        return await service.get_contact(conn, contact_id=contact_id)


@router.patch("/{contact_id}", responses=errors(NOT_FOUND=404, DUPLICATE_PHONE=409, INVALID_PHONE=409))
async def update_contact(api: Api, contact_id: UUID, body: ContactUpdate) -> Contact:
    async with api.tx() as conn:
        return await service.update_contact(conn, contact_id=contact_id, data=body, region=api.tenant.phone_region)


@router.delete("/{contact_id}", status_code=204, responses=errors(NOT_FOUND=404))
async def delete_contact(api: Api, contact_id: UUID) -> Response:
    async with api.tx() as conn:
        await service.delete_contact(conn, contact_id=contact_id)
    return Response(status_code=204)



