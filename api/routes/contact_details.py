"""A contact's addresses, attributes and notes."""

from uuid import UUID

from fastapi import APIRouter, Path, Response

from api.answers import errors
from api.deps import Api
from domain.contacts import addresses, attributes
from domain.contacts.models import Address, AddressCreate, Attribute, AttributeSet
from domain.notes import service as notes
from domain.notes.models import Note, NoteCreate
from domain.pagination import Page

router = APIRouter(prefix="/api/v1/contacts/{contact_id}", tags=["contacts"])

AttributeKey = Path(pattern=r"^[a-z][a-z0-9_]{0,63}$")


@router.get("/addresses", responses=errors(NOT_FOUND=404))
async def list_addresses(api: Api, contact_id: UUID) -> Page[Address]:
    async with api.tx() as conn:
        return Page(data=await addresses.list_addresses(conn, contact_id=contact_id))


@router.post("/addresses", status_code=201, responses=errors(NOT_FOUND=404))
async def add_address(api: Api, contact_id: UUID, body: AddressCreate) -> Address:
    async with api.tx() as conn:
        return await addresses.add_address(conn, tenant_id=api.tenant.id, contact_id=contact_id, data=body)


@router.delete("/addresses/{address_id}", status_code=204, responses=errors(NOT_FOUND=404, TICKET_CLOSED=409))
async def delete_address(api: Api, contact_id: UUID, address_id: UUID) -> Response:
    async with api.tx() as conn:
        await addresses.delete_address(conn, contact_id=contact_id, address_id=address_id)
    return Response(status_code=204)


@router.get("/attributes", responses=errors(NOT_FOUND=404))
async def list_attributes(api: Api, contact_id: UUID) -> Page[Attribute]:
    async with api.tx() as conn:
        return Page(data=await attributes.list_attributes(conn, contact_id=contact_id))


@router.put("/attributes", responses=errors(NOT_FOUND=404))
async def set_attribute(api: Api, contact_id: UUID, body: AttributeSet) -> Attribute:
    """Create the attribute or replace its value."""
    async with api.tx() as conn:
        return await attributes.set_attribute(conn, tenant_id=api.tenant.id, contact_id=contact_id, data=body)


@router.delete("/attributes/{key}", status_code=204, responses=errors(NOT_FOUND=404))
async def delete_attribute(api: Api, contact_id: UUID, key: str = AttributeKey) -> Response:
    async with api.tx() as conn:
        await attributes.delete_attribute(conn, contact_id=contact_id, key=key)
    return Response(status_code=204)


@router.get("/notes", responses=errors(NOT_FOUND=404))
async def list_notes(api: Api, contact_id: UUID) -> Page[Note]:
    async with api.tx() as conn:
        return Page(data=await notes.list_contact_notes(conn, contact_id=contact_id))


@router.post("/notes", status_code=201, responses=errors(NOT_FOUND=404))
async def add_note(api: Api, contact_id: UUID, body: NoteCreate) -> Note:
    async with api.tx() as conn:
        return await notes.add_contact_note(conn, tenant_id=api.tenant.id, contact_id=contact_id,
                                            author=api.actor, data=body)
