from uuid import UUID

from fastapi import APIRouter, Query, Response

from api.answers import errors
from api.deps import Api
from domain.contacts import service
from domain.contacts.models import Contact, ContactCreate, ContactUpdate

from domain.pagination import Page
from domain.phones import normalize_phone

router = APIRouter(prefix="/api/v1/contacts", tags=["contacts"])


@router.get("", responses=errors(INVALID_PHONE=422, INVALID_CURSOR=422, INVALID_LIMIT=422))
async def list_contacts(api: Api, phone: str | None = Query(None, max_length=40),
                        q: str | None = Query(None, max_length=200),
                        limit: int = 50, cursor: str | None = None) -> Page[Contact]:
    """Contacts; `phone` is an exact lookup in any format, `q` a search by name, email or phone."""
    async with api.tx() as conn:
        if phone is not None:
            found = await service.get_by_phone(conn, phone=normalize_phone(phone, api.tenant.phone_region))
            return Page(data=[found] if found else [])
        return await service.list_contacts(conn, limit=limit, cursor=cursor, q=q, region=api.tenant.phone_region)


@router.post("", status_code=201, responses=errors(DUPLICATE_PHONE=409, INVALID_PHONE=422, EMPTY_CONTACT=422))
async def create_contact(api: Api, body: ContactCreate) -> Contact:
    async with api.tx() as conn:
        return await service.create_contact(conn, tenant_id=api.tenant.id, data=body, region=api.tenant.phone_region)


@router.get("/{contact_id}", responses=errors(NOT_FOUND=404))
async def get_contact(api: Api, contact_id: UUID) -> Contact:
    async with api.tx() as conn:
        return await service.get_contact(conn, contact_id=contact_id)


@router.patch("/{contact_id}", responses=errors(NOT_FOUND=404, DUPLICATE_PHONE=409, INVALID_PHONE=422))
async def update_contact(api: Api, contact_id: UUID, body: ContactUpdate) -> Contact:
    async with api.tx() as conn:
        return await service.update_contact(conn, contact_id=contact_id, data=body, region=api.tenant.phone_region)


@router.delete("/{contact_id}", status_code=204, responses=errors(NOT_FOUND=404))
async def delete_contact(api: Api, contact_id: UUID) -> Response:
    async with api.tx() as conn:
        await service.delete_contact(conn, contact_id=contact_id)
    return Response(status_code=204)



