"""Notes on a contact or a ticket. A note on a ticket is also filed under the ticket's contact."""

from __future__ import annotations

from uuid import UUID

from psycopg import AsyncConnection

from domain.contacts.service import get_contact
from domain.db import fetch_all, fetch_one
from domain.errors import NotFound
from domain.notes.models import Note, NoteCreate
from domain.tickets.service import get_ticket

COLUMNS = "id, contact_id, ticket_id, author, content, created_at, updated_at"


async def add_ticket_note(conn: AsyncConnection, *, tenant_id: UUID, ticket_id: UUID, author: str,
                          data: NoteCreate) -> Note:
    """A note on the ticket (closed tickets still take notes: the ticket itself does not change)."""
    ticket = await get_ticket(conn, ticket_id=ticket_id)
    return await _insert(conn, tenant_id, ticket.contact_id, ticket.id, author, data.content)


async def add_contact_note(conn: AsyncConnection, *, tenant_id: UUID, contact_id: UUID, author: str,
                           data: NoteCreate) -> Note:
    await get_contact(conn, contact_id=contact_id)
    return await _insert(conn, tenant_id, contact_id, None, author, data.content)


async def _insert(conn: AsyncConnection, tenant_id: UUID, contact_id: UUID | None, ticket_id: UUID | None,
                  author: str, content: str) -> Note:
    note = await fetch_one(conn, Note, f"""
        insert into notes (tenant_id, contact_id, ticket_id, author, content) values (%s, %s, %s, %s, %s)
        returning {COLUMNS}""", (tenant_id, contact_id, ticket_id, author, content))
    assert note is not None
    return note


async def list_ticket_notes(conn: AsyncConnection, *, ticket_id: UUID) -> list[Note]:
    """The ticket's live notes, oldest first."""
    await get_ticket(conn, ticket_id=ticket_id)
    return await fetch_all(conn, Note, f"select {COLUMNS} from notes where ticket_id = %s and deleted_at is null order by created_at, id",
                           (ticket_id,))


async def list_contact_notes(conn: AsyncConnection, *, contact_id: UUID) -> list[Note]:
    """The contact's live notes, their tickets' included, oldest first."""
    await get_contact(conn, contact_id=contact_id)
    return await fetch_all(conn, Note, f"select {COLUMNS} from notes where contact_id = %s and deleted_at is null order by created_at, id",
                           (contact_id,))


async def get_note(conn: AsyncConnection, *, note_id: UUID) -> Note:
    note = await fetch_one(conn, Note, f"select {COLUMNS} from notes where id = %s and deleted_at is null", (note_id,))
    if note is None:
        raise NotFound("Note not found.")
    return note


async def delete_note(conn: AsyncConnection, *, note_id: UUID) -> None:
    """Soft delete."""
    cur = await conn.execute("update notes set deleted_at = now() where id = %s and deleted_at is null", (note_id,))
    if cur.rowcount == 0:
        raise NotFound("Note not found.")
