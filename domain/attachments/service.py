"""Photos and files on a job (seed 003's ticket attachments): checked, stored through the file storage,
listed and read only through a job the reader may see."""

from __future__ import annotations

import re
from uuid import UUID, uuid4

from psycopg import AsyncConnection

from domain.attachments.images import check_image
from domain.attachments.models import Attachment, AttachmentKind
from domain.attachments.storage import FileStorage
from domain.db import fetch_all, fetch_one
from domain.errors import NotFound
from domain.tickets.service import ensure_open
from domain.tickets_work.service import visible_ticket

COLUMNS = "id, ticket_id, kind, filename, content_type, size_bytes, storage_key, thumbnail_key, uploaded_by, created_at"


def _filename(name: str | None, extension: str) -> str:
    """A display name: the uploaded one without its path or odd characters, or a plain one."""
    base = re.sub(r"[^A-Za-z0-9_. -]+", "", (name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")[:150]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem or 'photo'}.{extension}"


async def add_photo(conn: AsyncConnection, *, storage: FileStorage, tenant_id: UUID, ticket_id: UUID,
                    kind: AttachmentKind, filename: str | None, data: bytes, uploaded_by: str,
                    only_technician: UUID | None = None) -> Attachment:
    """A checked photo (and its thumbnail) stored, and its row in this transaction. If the transaction
    fails afterwards, the caller removes the stored files (`discard`)."""
    ensure_open(await visible_ticket(conn, ticket_id=ticket_id, only_technician=only_technician))
    image = check_image(data)
    attachment_id = uuid4()
    key = f"{tenant_id}/{attachment_id}.{image.extension}"
    thumb = f"{tenant_id}/{attachment_id}-thumb.jpg"
    storage.save(key, image.data)
    storage.save(thumb, image.thumbnail)
    try:
        row = await fetch_one(conn, Attachment, f"""
            insert into attachments (tenant_id, id, ticket_id, kind, filename, content_type, size_bytes, storage_key,
                                     thumbnail_key, uploaded_by)
            values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) returning {COLUMNS}""",
            (tenant_id, attachment_id, ticket_id, kind, _filename(filename, image.extension), image.content_type,
             len(image.data), key, thumb, uploaded_by))
    except Exception:
        discard(storage, key, thumb)
        raise
    assert row is not None
    return row


def discard(storage: FileStorage, *keys: str | None) -> None:
    """Removes stored files whose row was never committed."""
    for key in keys:
        if key:
            storage.delete(key)


async def list_attachments(conn: AsyncConnection, *, ticket_id: UUID) -> list[Attachment]:
    return await fetch_all(conn, Attachment, f"""
        select {COLUMNS} from attachments where ticket_id = %s and deleted_at is null order by created_at, id""",
        (ticket_id,))


async def get_attachment(conn: AsyncConnection, *, ticket_id: UUID, attachment_id: UUID,
                         only_technician: UUID | None = None) -> Attachment:
    """The attachment, through a job the reader may see (a technician: their own)."""
    await visible_ticket(conn, ticket_id=ticket_id, only_technician=only_technician)
    row = await fetch_one(conn, Attachment, f"""
        select {COLUMNS} from attachments where id = %s and ticket_id = %s and deleted_at is null""",
        (attachment_id, ticket_id))
    if row is None:
        raise NotFound("File not found.")
    return row


async def remove_attachment(conn: AsyncConnection, *, ticket_id: UUID, attachment_id: UUID,
                            only_technician: UUID | None = None) -> Attachment:
    """Soft delete while the job is open; the caller removes the bytes once this commits."""
    ensure_open(await visible_ticket(conn, ticket_id=ticket_id, only_technician=only_technician))
    row = await get_attachment(conn, ticket_id=ticket_id, attachment_id=attachment_id)
    await conn.execute("update attachments set deleted_at = now() where id = %s", (attachment_id,))
    return row
