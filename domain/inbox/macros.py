"""Macros: canned replies with {first_name} and {ticket_code}, filled in for the conversation at hand."""

from __future__ import annotations

import re
from datetime import datetime
from uuid import UUID

from psycopg import AsyncConnection
from pydantic import BaseModel, Field

from domain.db import fetch_all, fetch_one
from domain.errors import NotFound
from domain.inbox.models import InboxRow

PLACEHOLDER = re.compile(r"\{(first_name|ticket_code)\}")
COLUMNS = "id, name, body, created_at"


class Macro(BaseModel):
    id: UUID
    name: str
    body: str
    created_at: datetime


class MacroCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    body: str = Field(min_length=1, max_length=1600, description="May use {first_name} and {ticket_code}")


async def list_macros(conn: AsyncConnection) -> list[Macro]:
    return await fetch_all(conn, Macro, f"select {COLUMNS} from macros order by name")


async def create_macro(conn: AsyncConnection, *, tenant_id: UUID, data: MacroCreate) -> Macro:
    """A new macro (a name the business already uses: Conflict DUPLICATE_MACRO)."""
    macro = await fetch_one(conn, Macro, f"""
        insert into macros (tenant_id, name, body) values (%s, %s, %s) returning {COLUMNS}""",
        (tenant_id, data.name.strip(), data.body.strip()))
    assert macro is not None
    return macro


async def get_macro(conn: AsyncConnection, *, macro_id: UUID) -> Macro:
    macro = await fetch_one(conn, Macro, f"select {COLUMNS} from macros where id = %s", (macro_id,))
    if macro is None:
        raise NotFound("Macro not found.")
    return macro


async def delete_macro(conn: AsyncConnection, *, macro_id: UUID) -> None:
    cur = await conn.execute("delete from macros where id = %s", (macro_id,))
    if cur.rowcount == 0:
        raise NotFound("Macro not found.")


def fill_macro(body: str, conversation: InboxRow) -> str:
    """The macro for this customer: their first name (or "there") and their latest ticket's code (or nothing)."""
    first = (conversation.contact_name or "").split()[0] if conversation.contact_name else "there"
    code = conversation.ticket_codes[-1] if conversation.ticket_codes else ""
    values = {"first_name": first, "ticket_code": code}
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], body)
