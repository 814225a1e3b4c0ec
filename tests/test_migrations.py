"""Upgrades in place: release 1's schema plus every migration equals schema.sql, and keeps its data."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from domain.db import APP_ROLE
from fieldbook.migrate import MIGRATIONS_DIR, SchemaMismatch, all_migrations, migrate, require_current, schema_version
from tests.catalog import catalog, differences

V1_DATA = Path(__file__).parent / "fixtures" / "v1_data.sql"


@pytest.fixture
def v1_database(cluster) -> Iterator[str]:
    """An empty database given release 1's schema, the way release 1's `fieldbook migrate` made it."""
    name = f"fbtest_v1_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(cluster.server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    url = cluster.url(name)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("grant {} to current_user").format(sql.Identifier(APP_ROLE)))
        with conn.transaction():
            conn.execute(all_migrations()[0].text())
    yield url
    with psycopg.connect(cluster.server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def table_rows(url: str) -> dict[str, list[str]]:
    """Every row of every table, as sorted JSON text per table."""
    with psycopg.connect(url) as conn:
        tables = [r[0] for r in conn.execute(
            "select tablename from pg_tables where schemaname = 'public' order by 1").fetchall()]
        return {t: sorted(json.dumps(r[0], sort_keys=True) for r in conn.execute(
            sql.SQL("select to_jsonb(x) from {} x").format(sql.Identifier(t))).fetchall()) for t in tables}


def project(rows: list[str], columns: set[str]) -> list[str]:
    """The rows cut down to the given columns (what release 1 stored)."""
    return sorted(json.dumps({k: v for k, v in json.loads(r).items() if k in columns}, sort_keys=True) for r in rows)


class TestMigrationFiles:
    def test_numbered_from_the_released_schema(self):
        steps = all_migrations()
        assert steps[0].version == 1 and steps[0].name == "initial"
        assert [m.version for m in steps] == list(range(1, len(steps) + 1))
        assert schema_version() == steps[-1].version >= 2

    def test_a_gap_is_refused(self, tmp_path, monkeypatch):
        for name in ("0001_initial.sql", "0003_later.sql"):
            (tmp_path / name).write_text("select 1;")
        monkeypatch.setattr("fieldbook.migrate.MIGRATIONS_DIR", tmp_path)
        with pytest.raises(SchemaMismatch, match="without gaps"):
            all_migrations()

    def test_a_badly_named_file_is_refused(self, tmp_path, monkeypatch):
        (tmp_path / "0001_initial.sql").write_text("select 1;")
        (tmp_path / "2-add things.sql").write_text("select 1;")
        monkeypatch.setattr("fieldbook.migrate.MIGRATIONS_DIR", tmp_path)
        with pytest.raises(SchemaMismatch, match="NNNN_lowercase_words.sql"):
            all_migrations()

    def test_version_one_is_the_released_schema(self):
        text = (MIGRATIONS_DIR / "0001_initial.sql").read_text()
        assert "insert into schema_meta (version) values (1);" in text


class TestStepByStepEqualsFresh:
    def test_same_catalog(self, database, v1_database):
        migrate(v1_database)
        assert differences(catalog(database.admin), catalog(v1_database)) == []

    def test_each_step_recorded(self, v1_database):
        migrate(v1_database)
        with psycopg.connect(v1_database) as conn:
            recorded = conn.execute("select version, name from schema_migrations order by version").fetchall()
            assert conn.execute("select version from schema_meta").fetchone()[0] == schema_version()
        assert recorded == [(m.version, m.name) for m in all_migrations()]

    def test_fresh_database_records_every_step(self, database):
        with psycopg.connect(database.admin) as conn:
            recorded = conn.execute("select version from schema_migrations order by version").fetchall()
        assert [v for (v,) in recorded] == [m.version for m in all_migrations()]


class TestUpgradeKeepsData:
    @pytest.fixture
    def v1_with_data(self, v1_database) -> str:
        with psycopg.connect(v1_database, autocommit=True) as conn:
            with conn.transaction():
                # the dump holds release 1's audit rows already: the triggers must not write them again
                conn.execute("set local session_replication_role = replica")
                conn.execute(V1_DATA.read_text())
        return v1_database

    def test_every_row_intact(self, v1_with_data):
        before = table_rows(v1_with_data)
        with psycopg.connect(v1_with_data) as conn:
            columns = {t: {r[0] for r in conn.execute(
                "select column_name from information_schema.columns where table_schema = 'public' and table_name = %s",
                (t,)).fetchall()} for t in before}
        assert sum(len(rows) for t, rows in before.items() if t != "schema_meta") > 100
        for table in ("tenants", "contacts", "tickets", "appointments", "invoices", "scheduled_messages",
                      "conversation_messages", "audit_log"):
            assert before[table], f"the release 1 data set has no {table}"

        migrate(v1_with_data)

        after = table_rows(v1_with_data)
        for table, rows in before.items():
            if table == "schema_meta":
                continue
            assert project(after[table], columns[table]) == project(rows, columns[table]), table

    def test_rls_forced_and_grants_in_place(self, v1_with_data):
        migrate(v1_with_data)
        with psycopg.connect(v1_with_data) as conn:
            unforced = conn.execute("""
                select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id'
                where n.nspname = 'public' and c.relkind = 'r'
                  and not (c.relrowsecurity and c.relforcerowsecurity)""").fetchall()
            assert unforced == []
            tenant_id = conn.execute("select id from tenants where slug = 'demo'").fetchone()[0]
        with psycopg.connect(v1_with_data) as conn:   # the serving role sees the tenant's rows, and only in context
            conn.execute(sql.SQL("set role {}").format(sql.Identifier(APP_ROLE)))
            assert conn.execute("select count(*) from contacts").fetchone()[0] == 0
            with conn.transaction():
                conn.execute("select set_config('app.tenant_id', %s, true)", (str(tenant_id),))
                phones = {r[0] for r in conn.execute("select phone from contacts").fetchall()}
                assert {"+14165559876", "+14165550177"} <= phones
                booked = conn.execute("select count(*) from appointments where status = 'booked'").fetchone()[0]
                assert booked >= 1


class TestVersionChecks:
    def test_up_to_date_database_is_left_alone(self, database):
        assert migrate(database.admin) == f"schema is up to date (version {schema_version()})"
        require_current(database.admin)

    def test_refuses_a_newer_database(self, database):
        with psycopg.connect(database.admin, autocommit=True) as conn:
            conn.execute("update schema_meta set version = %s", (schema_version() + 7,))
        with pytest.raises(SchemaMismatch) as caught:
            migrate(database.admin)
        assert f"version {schema_version() + 7}, newer than this Fieldbook's version {schema_version()}" in str(caught.value)
        with psycopg.connect(database.admin) as conn:   # nothing was applied on top
            assert conn.execute("select version from schema_meta").fetchone()[0] == schema_version() + 7
        with pytest.raises(SchemaMismatch, match="newer"):
            require_current(database.admin)

    def test_serving_an_old_database_is_refused_naming_the_command(self, v1_database):
        with pytest.raises(SchemaMismatch) as caught:
            require_current(v1_database)
        assert "schema version 1" in str(caught.value) and "fieldbook migrate" in str(caught.value)

    def test_serving_an_empty_database_is_refused(self, cluster):
        name = f"fbtest_empty_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(cluster.server_url, autocommit=True) as conn:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
        try:
            with pytest.raises(SchemaMismatch, match="fieldbook migrate"):
                require_current(cluster.url(name))
            assert migrate(cluster.url(name)) == f"schema version {schema_version()} applied"
            assert migrate(cluster.url(name)).startswith("schema is up to date")
        finally:
            with psycopg.connect(cluster.server_url, autocommit=True) as conn:
                conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))

    def test_a_failing_step_leaves_the_version_before_it(self, v1_database, tmp_path, monkeypatch):
        current = schema_version()
        for step in all_migrations():
            (tmp_path / step.path.name).write_text(step.text())
        broken = tmp_path / f"{current + 1:04d}_broken.sql"
        broken.write_text("create table half_done (id int); select 1 / 0;")
        monkeypatch.setattr("fieldbook.migrate.MIGRATIONS_DIR", tmp_path)
        with pytest.raises(psycopg.errors.DivisionByZero):
            migrate(v1_database)
        with psycopg.connect(v1_database) as conn:
            assert conn.execute("select version from schema_meta").fetchone()[0] == current
            assert conn.execute("select to_regclass('public.half_done')").fetchone()[0] is None
