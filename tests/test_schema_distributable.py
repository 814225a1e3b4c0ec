"""The schema stays distributable by tenant (Citus, DESIGN.md "Scale"): in every tenant table, every primary
key, unique and exclusion constraint, unique index and foreign key includes tenant_id.

Read from the catalog, so a new table or constraint that breaks the rule fails here the day it lands.
`tenants` itself is the distribution's reference point (its id is the tenant) and is left out.
"""

from __future__ import annotations

CONSTRAINTS = """
    select c.relname, k.conname, k.contype,
           'tenant_id' = any(array(select a.attname from pg_attribute a
                                    where a.attrelid = k.conrelid and a.attnum = any(k.conkey))) as local_has_tenant,
           k.contype <> 'f' or 'tenant_id' = any(array(select a.attname from pg_attribute a
                                                        where a.attrelid = k.confrelid and a.attnum = any(k.confkey)))
               or k.confrelid = 'tenants'::regclass as remote_has_tenant
      from pg_constraint k join pg_class c on c.oid = k.conrelid
     where c.relnamespace = 'public'::regnamespace and k.contype in ('p', 'u', 'x', 'f')
       and c.relname <> 'tenants'
       and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id')"""

UNIQUE_INDEXES = """
    select c.relname, i.relname,
           'tenant_id' = any(array(select a.attname from pg_attribute a
                                    where a.attrelid = x.indrelid and a.attnum = any(x.indkey)))
      from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class c on c.oid = x.indrelid
     where c.relnamespace = 'public'::regnamespace and x.indisunique and c.relname <> 'tenants'
       and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id')"""


async def test_every_key_of_a_tenant_table_includes_tenant_id(db):
    async with db.admin_pool.connection() as conn:
        constraints = await (await conn.execute(CONSTRAINTS)).fetchall()
        indexes = await (await conn.execute(UNIQUE_INDEXES)).fetchall()
    assert len(constraints) > 50 and len(indexes) > 20   # the rule was checked on the real schema
    broken = [f"{table}.{name} ({kind})" for table, name, kind, local, remote in constraints if not (local and remote)]
    broken += [f"{table}: unique index {name}" for table, name, has_tenant in indexes if not has_tenant]
    assert broken == [], "keys of tenant tables must include tenant_id"
