from uuid import UUID

from fastapi import APIRouter

from api.answers import errors
from api.deps import Api
from domain.privacy import service
from domain.privacy.service import ErasureReport

router = APIRouter(prefix="/api/v1/contacts", tags=["privacy"])


@router.post("/{contact_id}/erase", responses=errors(NOT_FOUND=404))
async def erase_contact(api: Api, contact_id: UUID) -> ErasureReport:
    """Anonymizes the contact's personal data everywhere (transcripts included); invoices keep their amounts."""
    async with api.tx() as conn:
        return await service.erase_contact(conn, tenant_id=api.tenant.id, contact_id=contact_id,
                                           now=api.clock.now())
