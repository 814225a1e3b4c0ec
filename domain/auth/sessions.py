"""Staff sessions in Postgres: the cookie holds "<tenant id>.<secret>", the table the secret's hash."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from psycopg import AsyncConnection

from domain.auth.models import NewSession, StaffSession
from domain.auth.tokens import hash_secret, new_secret
from domain.db import fetch_one

SESSION_LIFETIME = timedelta(hours=12)

_SELECT = """
    select s.id as session_id, s.tenant_id, s.staff_user_id, u.name, u.email::text as email, u.role,
           s.csrf_token, s.expires_at,
           (select t.id from technicians t where t.staff_user_id = u.id and t.active
             order by t.created_at limit 1) as technician_id
      from staff_sessions s join staff_users u on u.tenant_id = s.tenant_id and u.id = s.staff_user_id"""


async def create_session(conn: AsyncConnection, *, tenant_id: UUID, staff_user_id: UUID,
                         now: datetime) -> NewSession:
    """A new session for a user who just proved control of their address."""
    raw = new_secret()
    session_id = (await (await conn.execute("""
        insert into staff_sessions (tenant_id, staff_user_id, token_hash, csrf_token, expires_at, created_at,
                                    last_seen_at)
        values (%s, %s, %s, %s, %s, %s, %s) returning id""",
        (tenant_id, staff_user_id, hash_secret(raw), new_secret(), now + SESSION_LIFETIME, now, now))).fetchone())[0]
    session = await fetch_one(conn, StaffSession, _SELECT + " where s.id = %s", (session_id,))
    assert session is not None
    return NewSession(session=session, cookie_value=f"{tenant_id}.{raw}")


async def get_session(conn: AsyncConnection, *, raw: str, now: datetime) -> StaffSession | None:
    """The live session with this secret, for an active user, or None."""
    return await fetch_one(conn, StaffSession, _SELECT + """
         where s.token_hash = %s and s.expires_at > %s and u.active""", (hash_secret(raw), now))


async def end_session(conn: AsyncConnection, *, session_id: UUID) -> None:
    """Logout: the row goes (sessions are ephemeral, hard-deleted)."""
    await conn.execute("delete from staff_sessions where id = %s", (session_id,))
