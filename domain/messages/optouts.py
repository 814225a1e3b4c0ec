"""SMS opt-outs: a number that said STOP (or that the carrier reports as unsubscribed) gets no SMS."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from psycopg import AsyncConnection

from domain.db import fetch_value

OptOutSource = Literal["keyword", "carrier", "staff", "api"]


async def opt_out(conn: AsyncConnection, *, tenant_id: UUID, phone: str, source: OptOutSource = "keyword") -> None:
    """Stops every SMS to this E.164 number, including those already queued (checked when sending)."""
    await conn.execute("""
        insert into sms_opt_outs (tenant_id, phone, source) values (%(t)s, %(p)s, %(s)s)
        on conflict (tenant_id, phone) do nothing""", {"t": tenant_id, "p": phone, "s": source})


async def opt_in(conn: AsyncConnection, *, phone: str) -> bool:
    """Lifts an opt-out (the customer texted START); True when there was one."""
    cur = await conn.execute("delete from sms_opt_outs where phone = %(p)s", {"p": phone})
    return cur.rowcount > 0


async def is_opted_out(conn: AsyncConnection, *, phone: str) -> bool:
    return bool(await fetch_value(conn, "select exists (select 1 from sms_opt_outs where phone = %(p)s)",
                                  {"p": phone}))
