"""Tenant B, through the serving role, can neither see, change, delete nor reference tenant A's rows.

The tables come from information_schema, so a new tenant table without a fixture recipe fails here.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg import sql

from tests.tenant_world import RECIPES, build_world, deps, fresh_params

TENANT_TABLES = """
    select c.table_name from information_schema.columns c
      join information_schema.tables t using (table_schema, table_name)
     where c.table_schema = 'public' and c.column_name = 'tenant_id' and t.table_type = 'BASE TABLE'
     order by 1"""

FOREIGN_KEYS = """
    select child.relname, parent.relname from pg_constraint k
      join pg_class child on child.oid = k.conrelid join pg_class parent on parent.oid = k.confrelid
     where k.contype = 'f' and child.relnamespace = 'public'::regnamespace and parent.relname <> 'tenants'"""


async def test_every_tenant_table_has_a_recipe(db):
    async with db.admin_pool.connection() as conn:
        tables = {r[0] for r in await (await conn.execute(TENANT_TABLES)).fetchall()}
        fks = {(c, p) for c, p in await (await conn.execute(FOREIGN_KEYS)).fetchall()}
    assert tables - RECIPES.keys() == set(), "add a recipe in tests/tenant_world.py for these tables"
    assert RECIPES.keys() - tables == set(), "recipes for tables that no longer exist"
    missing = {(c, p) for c, p in fks if p not in deps(c)}
    assert missing == set(), "recipes must fill every foreign key (child, parent)"


async def _fingerprint(conn, table: str, tenant_id) -> tuple[int, str | None]:
    query = sql.SQL("select count(*), md5(string_agg(r::text, ',' order by r::text)) from {} r where tenant_id = %s")
    return tuple(await (await conn.execute(query.format(sql.Identifier(table)), (tenant_id,))).fetchone())


async def _attempt(conn, query, params: Any = None) -> int | psycopg.Error:
    """Rows affected, or the database error (rolled back to a savepoint so the transaction goes on)."""
    try:
        async with conn.transaction():
            return (await conn.execute(query, params)).rowcount
    except psycopg.Error as exc:
        return exc


def _children(table: str) -> list[str]:
    return [child for child in RECIPES if table in deps(child)]


@pytest.fixture
async def worlds(factory):
    a, b = await factory.tenant(), await factory.tenant()
    async with a.tx() as conn:
        refs_a = await build_world(conn, a.id)
    async with b.tx() as conn:
        refs_b = await build_world(conn, b.id)
    return a, refs_a, b, refs_b


@pytest.mark.parametrize("table", sorted(RECIPES))
async def test_other_tenant_cannot_touch_rows(worlds, table):
    a, refs_a, b, refs_b = worlds
    async with a.tx() as conn:
        before = await _fingerprint(conn, table, a.id)
    assert before[0] >= 1
    ident = sql.Identifier(table)
    async with b.tx() as conn:
        assert (await _fingerprint(conn, table, a.id))[0] == 0
        everything = await (await conn.execute(sql.SQL("select count(*) from {}").format(ident))).fetchone()
        assert everything[0] == (await _fingerprint(conn, table, b.id))[0] >= 1   # B sees its own, only
        steal = (sql.SQL("update {} set name = 'taken' where id = %(a)s") if table == "tenants" else
                 sql.SQL("update {} set tenant_id = %(b)s where tenant_id = %(a)s"))
        outcome = await _attempt(conn, steal.format(ident), {"a": a.id, "b": b.id})
        assert outcome == 0 or isinstance(outcome, psycopg.errors.InsufficientPrivilege), outcome
        outcome = await _attempt(conn, sql.SQL("delete from {} where tenant_id = %s").format(ident), (a.id,))
        assert outcome == 0 or isinstance(outcome, psycopg.errors.InsufficientPrivilege), outcome
        # a row written in A's name is refused by the policy's WITH CHECK (or the grant)
        as_a = fresh_params(a.id, {d: refs_b[d] for d in deps(table)})
        outcome = await _attempt(conn, RECIPES[table], as_a)
        assert isinstance(outcome, psycopg.errors.InsufficientPrivilege), outcome
    async with a.tx() as conn:
        assert await _fingerprint(conn, table, a.id) == before


@pytest.mark.parametrize("table", sorted(t for t in RECIPES if _children(t)))
async def test_other_tenant_cannot_reference_rows(worlds, table):
    a, refs_a, b, refs_b = worlds
    async with b.tx() as conn:
        for child in _children(table):
            own = fresh_params(b.id, {d: refs_b[d] for d in deps(child)})
            async with conn.transaction(force_rollback=True):   # the same row with B's own references works
                await conn.execute(RECIPES[child], own)
            outcome = await _attempt(conn, RECIPES[child], own | {table: refs_a[table]})
            assert isinstance(outcome, psycopg.errors.ForeignKeyViolation), (child, outcome)


@pytest.mark.parametrize("table", sorted(RECIPES))
async def test_no_tenant_context_sees_nothing(worlds, db, table):
    async with db.app_pool.connection() as conn, conn.transaction():
        count = await (await conn.execute(sql.SQL("select count(*) from {}").format(sql.Identifier(table)))).fetchone()
    assert count[0] == 0
