"""`fieldbook backup` / `fieldbook restore`: the restore drill, on the real server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from domain.db import APP_ROLE
from fieldbook.backup import BackupError, backup, libpq_environment, restore
from fieldbook.migrate import schema_version
from tests.catalog import catalog, differences
from tests.test_migrations import v1_database  # noqa: F401  (fixture)


@pytest.fixture
def empty_database(cluster) -> Iterator[str]:
    name = f"fbtest_restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(cluster.server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    yield cluster.url(name)
    with psycopg.connect(cluster.server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


async def seed_customer(factory) -> str:
    handle = await factory.tenant()
    async with handle.tx() as conn:
        await conn.execute("insert into contacts (tenant_id, name, phone) values (%s, 'Nia Brooks', '+14165550155')",
                           (handle.id,))
    return str(handle.id)


def customers_seen_by_serving_role(url: str, tenant_id: str) -> list[str]:
    with psycopg.connect(url) as conn:
        conn.execute(sql.SQL("set role {}").format(sql.Identifier(APP_ROLE)))
        with conn.transaction():
            conn.execute("select set_config('app.tenant_id', %s, true)", (tenant_id,))
            return [r[0] for r in conn.execute("select name from contacts").fetchall()]


async def test_restore_drill(database, db, factory, empty_database, tmp_path):
    tenant_id = await seed_customer(factory)
    out = tmp_path / "fieldbook.dump"

    said = backup(database.admin, out)
    assert f"schema version {schema_version()} backed up" in said and out.stat().st_size > 0

    said = restore(empty_database, out, replace=False)
    assert said.startswith(f"restored schema version {schema_version()}") and "migrate" not in said
    assert customers_seen_by_serving_role(empty_database, tenant_id) == ["Nia Brooks"]
    # the same schema, row-level security and grants to the serving role as the original
    assert differences(catalog(database.admin), catalog(empty_database)) == []


async def test_restore_refuses_to_overwrite_unless_told(database, db, factory, empty_database, tmp_path):
    tenant_id = await seed_customer(factory)
    out = tmp_path / "fieldbook.dump"
    backup(database.admin, out)
    restore(empty_database, out, replace=False)

    with pytest.raises(BackupError, match="--replace"):
        restore(empty_database, out, replace=False)
    with psycopg.connect(empty_database, autocommit=True) as conn:
        conn.execute("delete from schema_meta")   # make the data differ, to see the replacement
        conn.execute("insert into schema_meta (version) values (%s)", (schema_version(),))
        conn.execute("alter table contacts disable trigger user")
        conn.execute("delete from contacts")
    restore(empty_database, out, replace=True)
    assert customers_seen_by_serving_role(empty_database, tenant_id) == ["Nia Brooks"]


def test_an_older_backup_says_migrate_is_due(v1_database, empty_database, tmp_path):  # noqa: F811
    out = tmp_path / "v1.dump"
    backup(v1_database, out)
    said = restore(empty_database, out, replace=False)
    assert said.startswith("restored schema version 1") and "fieldbook migrate" in said


def test_nothing_to_back_up(empty_database, tmp_path):
    with pytest.raises(BackupError, match="no Fieldbook schema"):
        backup(empty_database, tmp_path / "x.dump")
    assert not (tmp_path / "x.dump").exists()


def test_missing_backup_file(empty_database, tmp_path):
    with pytest.raises(BackupError, match="no such backup file"):
        restore(empty_database, tmp_path / "missing.dump", replace=False)


def test_password_travels_in_the_environment_not_the_command_line():
    env = libpq_environment("postgresql://owner:s3cret@db.example.test:6432/fieldbook?sslmode=require")
    assert env == {"PGUSER": "owner", "PGPASSWORD": "s3cret", "PGHOST": "db.example.test", "PGPORT": "6432",
                   "PGDATABASE": "fieldbook", "PGSSLMODE": "require"}
