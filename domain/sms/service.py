"""Inbound SMS deliveries: each Twilio MessageSid is processed once; a retry gets the same reply."""

from __future__ import annotations

from uuid import UUID

from psycopg import AsyncConnection


async def claim_message(conn: AsyncConnection, *, tenant_id: UUID, message_sid: str,
                        from_phone: str) -> tuple[bool, str | None]:
    """(True, None) when this delivery is new; (False, reply) for a retry of one already handled.

    The insert takes the unique key, so two concurrent deliveries of one MessageSid cannot both
    claim it: the second waits for the first transaction and then sees its row.
    """
    cur = await conn.execute("""
        insert into sms_inbound (tenant_id, message_sid, from_phone) values (%s, %s, %s)
        on conflict (tenant_id, message_sid) do nothing returning id""", (tenant_id, message_sid, from_phone))
    if await cur.fetchone():
        return True, None
    cur = await conn.execute("select reply from sms_inbound where message_sid = %s", (message_sid,))
    row = await cur.fetchone()
    return False, (row[0] if row else None)


async def record_reply(conn: AsyncConnection, *, message_sid: str, reply: str) -> None:
    await conn.execute("update sms_inbound set reply = %s, replied_at = now() where message_sid = %s",
                       (reply, message_sid))


async def forget_message(conn: AsyncConnection, *, message_sid: str) -> None:
    """Releases a claim whose processing failed, so Twilio's retry is handled afresh."""
    await conn.execute("delete from sms_inbound where message_sid = %s and reply is null", (message_sid,))
