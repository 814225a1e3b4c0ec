import psycopg
import pytest

from fieldbook.migrate import SchemaMismatch, migrate, schema_version


def test_up_to_date_database_is_left_alone(database):
    assert migrate(database.admin) == f"schema is up to date (version {schema_version()})"


def test_refuses_another_schema_version(database):
    with psycopg.connect(database.admin, autocommit=True) as conn:
        conn.execute("update schema_meta set version = %s", (schema_version() + 7,))
    with pytest.raises(SchemaMismatch) as caught:
        migrate(database.admin)
    message = str(caught.value)
    assert f"version {schema_version() + 7}" in message and f"needs version {schema_version()}" in message
    with psycopg.connect(database.admin) as conn:   # nothing was applied on top
        assert conn.execute("select version from schema_meta").fetchone()[0] == schema_version() + 7


def test_applies_to_an_empty_database(cluster):
    from psycopg import sql
    name = "fbtest_empty_migrate"
    with psycopg.connect(cluster.server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    try:
        assert migrate(cluster.url(name)) == f"schema version {schema_version()} applied"
        assert migrate(cluster.url(name)).startswith("schema is up to date")
    finally:
        with psycopg.connect(cluster.server_url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
