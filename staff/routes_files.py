"""Photos and notes on a job, from the phone: upload (camera or library), see, remove; every file is served
only to staff who may see its job, never as a public URL."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from domain.attachments import service
from domain.attachments.images import MAX_BYTES
from domain.attachments.models import KINDS
from domain.errors import Invalid
from domain.notes.models import NoteCreate
from domain.notes.service import add_ticket_note
from domain.tickets.service import ensure_open
from domain.tickets_work.service import visible_ticket
from staff.web import Form, Staff, Storage, redirect

router = APIRouter(prefix="/staff/tickets/{ticket_id}", include_in_schema=False)


async def _upload(request: Request) -> tuple[bytes, str | None]:
    """The photo's bytes (at most MAX_BYTES + 1 are read) and its file name."""
    upload = (await request.form()).get("photo")
    if not isinstance(upload, UploadFile):
        raise Invalid("Choose a photo.", code="VALIDATION_ERROR")
    return await upload.read(MAX_BYTES + 1), upload.filename


@router.post("/photos")
async def add_photo(request: Request, staff: Staff, storage: Storage, form: Form, ticket_id: UUID):
    """A before/after photo or an equipment label from the phone's camera."""
    kind = form.get("kind", "other")
    if kind not in KINDS:
        raise Invalid("Choose what the photo shows.", code="VALIDATION_ERROR")
    data, filename = await _upload(request)
    saved = None
    try:
        async with staff.tx() as conn:
            saved = await service.add_photo(conn, storage=storage, tenant_id=staff.tenant.id, ticket_id=ticket_id,
                                            kind=kind, filename=filename, data=data, uploaded_by=staff.actor,
                                            only_technician=staff.only_technician)
    except Exception:
        if saved is not None:   # stored, but the transaction did not commit: no file without its row
            service.discard(storage, saved.storage_key, saved.thumbnail_key)
        raise
    return redirect(f"/staff/tickets/{ticket_id}#photos")


async def _file(staff, storage, ticket_id: UUID, attachment_id: UUID, thumbnail: bool) -> Response:
    async with staff.tx() as conn:
        item = await service.get_attachment(conn, ticket_id=ticket_id, attachment_id=attachment_id,
                                            only_technician=staff.only_technician)
    key = item.thumbnail_key if thumbnail and item.thumbnail_key else item.storage_key
    return Response(storage.read(key), media_type="image/jpeg" if thumbnail else item.content_type, headers={
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'inline; filename="{item.filename}"'})


@router.get("/photos/{attachment_id}")
async def photo(staff: Staff, storage: Storage, ticket_id: UUID, attachment_id: UUID):
    return await _file(staff, storage, ticket_id, attachment_id, thumbnail=False)


@router.get("/photos/{attachment_id}/thumbnail")
async def thumbnail(staff: Staff, storage: Storage, ticket_id: UUID, attachment_id: UUID):
    return await _file(staff, storage, ticket_id, attachment_id, thumbnail=True)


@router.post("/photos/{attachment_id}/delete")
async def remove_photo(staff: Staff, storage: Storage, form: Form, ticket_id: UUID, attachment_id: UUID):
    async with staff.tx() as conn:
        item = await service.remove_attachment(conn, ticket_id=ticket_id, attachment_id=attachment_id,
                                               only_technician=staff.only_technician)
    service.discard(storage, item.storage_key, item.thumbnail_key)   # after the commit: the row says it is gone
    return redirect(f"/staff/tickets/{ticket_id}#photos")


@router.post("/notes")
async def add_note(staff: Staff, form: Form, ticket_id: UUID):
    """A note during the job (what was found, what was said); close-out notes are step 1 of the close-out."""
    text = form.get("content", "").strip()
    if not text or len(text) > 20000:
        raise Invalid("Write the note (up to 20,000 characters).", code="VALIDATION_ERROR")
    async with staff.tx() as conn:
        ensure_open(await visible_ticket(conn, ticket_id=ticket_id, only_technician=staff.only_technician))
        await add_ticket_note(conn, tenant_id=staff.tenant.id, ticket_id=ticket_id, author=staff.session.name,
                              data=NoteCreate(content=text))
    return redirect(f"/staff/tickets/{ticket_id}#job-notes-section")
