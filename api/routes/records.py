"""Notes by id and the audit trail."""

from uuid import UUID

from fastapi import APIRouter, Response

from api.answers import errors
from api.deps import Api
from domain.audit import service as audit
from domain.audit.service import AuditEntry, EntityType
from domain.notes import service as notes
from domain.notes.models import Note
from domain.pagination import Page

router = APIRouter(prefix="/api/v1", tags=["records"])


@router.get("/notes/{note_id}", responses=errors(NOT_FOUND=404))
async def get_note(api: Api, note_id: UUID) -> Note:
    async with api.tx() as conn:
        return await notes.get_note(conn, note_id=note_id)


@router.delete("/notes/{note_id}", status_code=204, responses=errors(NOT_FOUND=404))
async def delete_note(api: Api, note_id: UUID) -> Response:
    async with api.tx() as conn:
        await notes.delete_note(conn, note_id=note_id)
    return Response(status_code=204)


@router.get("/audit/{entity_type}/{entity_id}")
async def audit_history(api: Api, entity_type: EntityType, entity_id: UUID) -> Page[AuditEntry]:
    """Every recorded change to one entity of the caller's business, oldest first."""
    async with api.tx() as conn:
        return Page(data=await audit.history(conn, entity_type=entity_type, entity_id=entity_id))
