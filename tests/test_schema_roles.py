"""The serving role and the database guarantees that do not depend on application code."""

from __future__ import annotations

import psycopg
import pytest

from domain.db import APP_ROLE, Database, tenant_tx
from tests.test_schema_isolation import TENANT_TABLES


async def _admin_rows(db, query, params=None):
    async with db.admin_pool.connection() as conn:
        return await (await conn.execute(query, params)).fetchall()


async def test_serving_role_is_unprivileged(db):
    [(superuser, bypass, createrole, createdb)] = await _admin_rows(
        db, "select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = %s", (APP_ROLE,))
    assert (superuser, bypass, createrole, createdb) == (False, False, False, False)
    owned = await _admin_rows(db, """
        select c.relname from pg_class c join pg_roles r on r.oid = c.relowner
         where r.rolname = %s and c.relnamespace = 'public'::regnamespace""", (APP_ROLE,))
    assert owned == []


async def test_app_connections_run_as_serving_role(db):
    async with db.app_pool.connection() as conn:
        row = await (await conn.execute("select current_user, (select rolsuper from pg_roles where rolname = current_user)")).fetchone()
    assert row == (APP_ROLE, False)


async def test_every_tenant_table_forces_row_security(db):
    tables = [r[0] for r in await _admin_rows(db, TENANT_TABLES)]
    flags = await _admin_rows(db, """
        select relname, relrowsecurity, relforcerowsecurity from pg_class
         where relnamespace = 'public'::regnamespace and relname = any(%s)""", (tables,))
    assert len(flags) == len(tables) > 20
    assert [name for name, enabled, forced in flags if not (enabled and forced)] == []


@pytest.mark.parametrize("statement", [
    "update audit_log set actor = 'someone else'",
    "delete from audit_log",
    "truncate audit_log",
])
async def test_audit_log_is_append_only(factory, statement):
    a = await factory.tenant()
    async with a.tx() as conn:
        await conn.execute("insert into contacts (tenant_id, name) values (%s, 'Audited')", (a.id,))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        async with a.tx() as conn:
            await conn.execute(statement)
    async with a.tx() as conn:
        rows = await (await conn.execute("select actor from audit_log where entity_type = 'contacts'")).fetchall()
    assert rows == [("test",)]


async def test_pooled_connection_forgets_the_tenant(database, factory):
    a = await factory.tenant()
    single = Database(database.app, database.admin, app_role=database.app_role, min_size=1, max_size=1)
    await single.open()
    try:
        async with tenant_tx(single.app_pool, a.id, "test") as conn:
            await conn.execute("insert into contacts (tenant_id, name) values (%s, 'Visible to A')", (a.id,))
            first_pid = (await (await conn.execute("select pg_backend_pid()")).fetchone())[0]
        async with single.app_pool.connection() as conn, conn.transaction():
            pid, tenant, actor, contacts = await (await conn.execute("""
                select pg_backend_pid(), current_setting('app.tenant_id', true), current_setting('app.actor', true),
                       (select count(*) from contacts)""")).fetchone()
    finally:
        await single.close()
    assert pid == first_pid                    # the very same connection was handed out again
    assert tenant in ("", None) and actor in ("", None)
    assert contacts == 0


async def test_closed_ticket_is_immutable_in_the_database(factory):
    a = await factory.tenant()
    async with a.tx() as conn:
        await conn.execute("""
            insert into tickets (tenant_id, customer_phone, category, status, closed_at)
            values (%s, '+14165550000', 'HVAC', 'completed', now())""", (a.id,))
    for statement in ("update tickets set description = 'rewritten'",
                      "update tickets set status = 'open', closed_at = null",
                      "update tickets set deleted_at = now()"):
        async with a.tx() as conn:
            with pytest.raises(psycopg.errors.CheckViolation) as caught:
                async with conn.transaction():
                    await conn.execute(statement)
        assert caught.value.diag.constraint_name == "tickets_closed_immutable"
    async with a.tx() as conn:
        row = await (await conn.execute("select status, description, deleted_at from tickets")).fetchone()
    assert row == ("completed", "", None)
