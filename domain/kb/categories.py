"""Knowledge-base categories and their sections: named, slugged, ordered shelves for articles."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from psycopg import AsyncConnection

from domain.db import fetch_all, fetch_one
from domain.errors import NotFound
from domain.kb.models import (KbCategory, KbCategoryCreate, KbCategoryUpdate, KbSection, KbSectionCreate,
                              KbSectionUpdate)
from domain.kb.slugs import slug_for
from domain.outbox.service import emit_event

CATEGORY_COLUMNS = "id, name, slug, description, position, created_at, updated_at"
SECTION_COLUMNS = "id, category_id, name, slug, description, position, created_at, updated_at"


def merged(current: Any, data: Any) -> dict[str, Any]:
    """The current row with the fields that were sent; a sent slug is normalised, a new name keeps the slug."""
    fields = data.model_dump(exclude_unset=True, exclude={"note"})
    if "slug" in fields:
        fields["slug"] = slug_for(fields["slug"], fields.get("name") or current.name)
    return current.model_dump() | {k: v for k, v in fields.items() if v is not None or k == "description"}


async def create_category(conn: AsyncConnection, *, tenant_id: UUID, data: KbCategoryCreate) -> KbCategory:
    """A new category; its slug comes from the name unless one is given (normalised either way)."""
    category = await fetch_one(conn, KbCategory, f"""
        insert into kb_categories (tenant_id, name, slug, description, position)
        values (%s, %s, %s, %s, %s) returning {CATEGORY_COLUMNS}""",
        (tenant_id, data.name, slug_for(data.slug, data.name), data.description, data.position))
    assert category is not None
    await emit_event(conn, tenant_id=tenant_id, event_type="kb_category.created", entity_id=category.id,
                     payload={"slug": category.slug})
    return category


async def list_categories(conn: AsyncConnection) -> list[KbCategory]:
    return await fetch_all(conn, KbCategory, f"select {CATEGORY_COLUMNS} from kb_categories order by position, name, id")


async def get_category(conn: AsyncConnection, *, category_id: UUID) -> KbCategory:
    category = await fetch_one(conn, KbCategory, f"select {CATEGORY_COLUMNS} from kb_categories where id = %s",
                               (category_id,))
    if category is None:
        raise NotFound("Knowledge-base category not found.")
    return category


async def update_category(conn: AsyncConnection, *, category_id: UUID, data: KbCategoryUpdate) -> KbCategory:
    """Changes only the fields that were sent."""
    row = merged(await get_category(conn, category_id=category_id), data)
    category = await fetch_one(conn, KbCategory, f"""
        update kb_categories set name = %(name)s, slug = %(slug)s, description = %(description)s,
               position = %(position)s
         where id = %(id)s returning {CATEGORY_COLUMNS}""", row)
    assert category is not None
    return category


async def delete_category(conn: AsyncConnection, *, category_id: UUID) -> None:
    """Removes the category and its sections; their articles stay, without a section."""
    cur = await conn.execute("delete from kb_categories where id = %s", (category_id,))
    if cur.rowcount == 0:
        raise NotFound("Knowledge-base category not found.")


async def create_section(conn: AsyncConnection, *, tenant_id: UUID, data: KbSectionCreate) -> KbSection:
    """A new section in a category; its slug is unique within the category."""
    await get_category(conn, category_id=data.category_id)
    section = await fetch_one(conn, KbSection, f"""
        insert into kb_sections (tenant_id, category_id, name, slug, description, position)
        values (%s, %s, %s, %s, %s, %s) returning {SECTION_COLUMNS}""",
        (tenant_id, data.category_id, data.name, slug_for(data.slug, data.name), data.description, data.position))
    assert section is not None
    await emit_event(conn, tenant_id=tenant_id, event_type="kb_section.created", entity_id=section.id,
                     payload={"slug": section.slug, "category_id": section.category_id})
    return section


async def list_sections(conn: AsyncConnection, *, category_id: UUID | None = None) -> list[KbSection]:
    return await fetch_all(conn, KbSection, f"""
        select {SECTION_COLUMNS} from kb_sections
         where %(category)s::uuid is null or category_id = %(category)s
         order by position, name, id""", {"category": category_id})


async def get_section(conn: AsyncConnection, *, section_id: UUID) -> KbSection:
    section = await fetch_one(conn, KbSection, f"select {SECTION_COLUMNS} from kb_sections where id = %s",
                              (section_id,))
    if section is None:
        raise NotFound("Knowledge-base section not found.")
    return section


async def update_section(conn: AsyncConnection, *, section_id: UUID, data: KbSectionUpdate) -> KbSection:
    """Changes only the fields that were sent; moving to another category keeps the articles."""
    row = merged(await get_section(conn, section_id=section_id), data)
    if data.category_id is not None:
        await get_category(conn, category_id=data.category_id)
    section = await fetch_one(conn, KbSection, f"""
        update kb_sections set category_id = %(category_id)s, name = %(name)s, slug = %(slug)s,
               description = %(description)s, position = %(position)s
         where id = %(id)s returning {SECTION_COLUMNS}""", row)
    assert section is not None
    return section


async def delete_section(conn: AsyncConnection, *, section_id: UUID) -> None:
    """Removes the section; its articles stay, without a section."""
    cur = await conn.execute("delete from kb_sections where id = %s", (section_id,))
    if cur.rowcount == 0:
        raise NotFound("Knowledge-base section not found.")
