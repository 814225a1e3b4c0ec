"""A database's schema as comparable data: what `schema.sql` and the migrations must agree on.

Column order is left out (a migration appends columns where schema.sql may place them in the middle);
everything else that decides behaviour is in: columns with types, defaults, nullability, generation and
identity; constraints; indexes; row-level security flags and policies; triggers; functions and procedures;
views; sequences; grants to every role.
"""

from __future__ import annotations

import psycopg

QUERIES: dict[str, str] = {
    "tables": """
        select c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'S')
          and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'e')""",
    "columns": """
        select c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, a.attcollation::regcollation::text
        from pg_attribute a
        join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
        left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm') and a.attnum > 0 and not a.attisdropped""",
    "constraints": """
        select c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid), k.condeferrable, k.condeferred
        from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public'""",
    "indexes": """
        select tablename, indexname, indexdef from pg_indexes where schemaname = 'public'""",
    "policies": """
        select tablename, policyname, permissive, roles::text, cmd, qual, with_check
        from pg_policies where schemaname = 'public'""",
    "triggers": """
        select c.relname, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled
        from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and not t.tgisinternal""",
    "functions": """
        select p.proname, pg_get_function_identity_arguments(p.oid), pg_get_functiondef(p.oid), p.prosecdef,
               p.proconfig::text, p.proacl::text
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public'
          and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')""",
    "views": """
        select viewname, definition from pg_views where schemaname = 'public'""",
    "grants": """
        select table_name, grantee, privilege_type from information_schema.role_table_grants
        where table_schema = 'public'""",
    "column_grants": """
        select table_name, column_name, grantee, privilege_type from information_schema.column_privileges
        where table_schema = 'public' and grantee <> 'PUBLIC'
          and (table_name, grantee, privilege_type) not in (
              select table_name, grantee, privilege_type from information_schema.role_table_grants
              where table_schema = 'public')""",
    "sequence_grants": """
        select c.relname, c.relacl::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'S'""",
    "schema_grants": """
        select nspacl::text from pg_namespace where nspname = 'public'""",
    "extensions": """
        select extname from pg_extension""",
}


def catalog(url: str) -> dict[str, list[tuple]]:
    """Every fact above, sorted, so two databases compare with ==."""
    with psycopg.connect(url) as conn:
        return {name: sorted(conn.execute(query).fetchall(), key=repr) for name, query in QUERIES.items()}


def differences(left: dict[str, list[tuple]], right: dict[str, list[tuple]]) -> list[str]:
    """Readable lines for what one catalog has and the other lacks."""
    lines = []
    for name in QUERIES:
        only_left = set(left[name]) - set(right[name])
        only_right = set(right[name]) - set(left[name])
        lines += [f"{name}: only in schema.sql: {row}" for row in sorted(only_left, key=repr)]
        lines += [f"{name}: only after migrations: {row}" for row in sorted(only_right, key=repr)]
    return lines
