"""A contact's equipment: the appliances the customer owns (exact contract of issue 16)."""

from uuid import UUID

from fastapi import APIRouter, Response

from api.answers import errors
from api.deps import Api
from domain.equipment import service
from domain.equipment.models import Equipment, EquipmentCreate, EquipmentUpdate
from domain.pagination import Page

router = APIRouter(prefix="/api/v1/contacts/{contact_id}/equipment", tags=["contacts"])


@router.get("", responses=errors(NOT_FOUND=404))
async def list_equipment(api: Api, contact_id: UUID) -> Page[Equipment]:
    """The contact's appliances: make, model, serial, install year, where, warranty."""
    async with api.tx() as conn:
        return Page(data=await service.list_equipment(conn, contact_id=contact_id))


@router.post("", status_code=201, responses=errors(NOT_FOUND=404))
async def add_equipment(api: Api, contact_id: UUID, body: EquipmentCreate) -> Equipment:
    async with api.tx() as conn:
        return await service.add_equipment(conn, tenant_id=api.tenant.id, contact_id=contact_id, data=body)


@router.patch("/{equipment_id}", responses=errors(NOT_FOUND=404))
async def update_equipment(api: Api, contact_id: UUID, equipment_id: UUID, body: EquipmentUpdate) -> Equipment:
    """Change the fields sent (null clears one, except the type)."""
    async with api.tx() as conn:
        return await service.update_equipment(conn, contact_id=contact_id, equipment_id=equipment_id, data=body)


@router.delete("/{equipment_id}", status_code=204, responses=errors(NOT_FOUND=404))
async def delete_equipment(api: Api, contact_id: UUID, equipment_id: UUID) -> Response:
    async with api.tx() as conn:
        await service.delete_equipment(conn, contact_id=contact_id, equipment_id=equipment_id)
    return Response(status_code=204)
